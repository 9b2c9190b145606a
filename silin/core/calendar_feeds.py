"""Sources of a person's calendar feed: one personal link for everything they take part in.

The personal feed (served by Neighbour Spaces at `/spaces/feeds/me/<token>.ics`, whose token
is the credential) joins what every app registers here, so an app lower in the layers
(spaces) shows the entries of an app above it (activities) without importing it. An app
registers a source in its `AppConfig.ready()`::

    from silin.core import calendar_feeds

    calendar_feeds.register_source("activities.signups", my_signup_entries, order=20)

A source is a function `(user, base_url) -> Iterable[FeedEntry]`, called with the feed's
owner and the site's absolute root (for the entries' URLs), in the owner's language. It
must keep to a fixed, small number of queries. Each entry's `uid` must be stable across
reads and unique across sources (prefix it with the kind of record), so a calendar app
updates an entry rather than adding a copy; an entry left out of a later read is removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from silin.accounts.models import User


@dataclass(frozen=True)
class FeedEntry:
    """One VEVENT of a feed; times aware, `stamp` when the record last changed."""

    uid: str
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    cancelled: bool
    tentative: bool
    stamp: dt.datetime
    url: str = ""
    description: str = ""


Source = Callable[["User", str], Iterable[FeedEntry]]


@dataclass(frozen=True)
class _Registered:
    name: str
    source: Source
    order: int


_SOURCES: dict[str, _Registered] = {}


def register_source(name: str, source: Source, *, order: int = 50) -> None:
    """Add `source` to every personal feed (once per name)."""
    existing = _SOURCES.get(name)
    if existing is not None and existing.source is not source:
        raise ImproperlyConfigured(f"The calendar feed source {name!r} is registered twice.")
    _SOURCES[name] = _Registered(name, source, order)


def sources() -> list[str]:
    return [r.name for r in sorted(_SOURCES.values(), key=lambda r: (r.order, r.name))]


def entries_for(user: User, base_url: str) -> list[FeedEntry]:
    """Every registered source's entries for `user`, in start order."""
    found: list[FeedEntry] = []
    for registered in sorted(_SOURCES.values(), key=lambda r: (r.order, r.name)):
        found.extend(registered.source(user, base_url))
    found.sort(key=lambda e: (e.starts_at, e.uid))
    return found
