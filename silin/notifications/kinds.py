"""What each kind of notice says, registered by the app that sends it.

A notice stores its `kind` (a code) and its `params` (plain JSON values: names, ISO
datetimes, UUIDs, numbers), never a sentence: it is rendered when it is read, in the
reader's language and time zone, so a reader who switches language (or a relative reading
another one) sees it in theirs. Each app that sends notices registers a renderer per kind in
its `AppConfig.ready()`::

    from silin.notifications import kinds

    kinds.register("booking_approved", lambda p: kinds.Rendered(
        _("Booking approved"), p["space"], reverse("spaces:booking-mine")))

A renderer is called for every notice shown (three on the home page, a page of the list),
so it must not query: carry the names it shows in the params and build URLs with `reverse`
from the UUIDs they hold. A kind without a renderer (its app removed) and a renderer that
fails on old params still show a notice with a generic title, never an error page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("silin.notifications")

KIND_MAX_LENGTH = 50
# In a copy sent to a family proxy: the name of the person the notice was for.
COPY_FOR_PARAM = "_copy_for"


class Rendered(NamedTuple):
    """A notice as its reader sees it: a title, a body and where "Open" leads."""

    title: str
    body: str = ""
    url: str = ""


Renderer = Callable[[Mapping[str, Any]], "Rendered | tuple[Any, Any, str]"]

_RENDERERS: dict[str, Renderer] = {}


def register(kind: str, renderer: Renderer) -> None:
    """Register how notices of `kind` are rendered (once per kind)."""
    if not kind or len(kind) > KIND_MAX_LENGTH:
        raise ImproperlyConfigured(f"A notice kind has 1 to {KIND_MAX_LENGTH} characters: {kind!r}")
    existing = _RENDERERS.get(kind)
    if existing is not None and existing is not renderer:
        raise ImproperlyConfigured(f"The notice kind {kind!r} is registered twice.")
    _RENDERERS[kind] = renderer


def is_registered(kind: str) -> bool:
    return kind in _RENDERERS


def registered() -> list[str]:
    return sorted(_RENDERERS)


def generic() -> Rendered:
    """What a notice whose kind nobody renders any more shows."""
    return Rendered(_("Notice"))


def render(kind: str, params: Mapping[str, Any]) -> Rendered:
    """The notice in the active language and time zone."""
    renderer = _RENDERERS.get(kind)
    if renderer is None:
        return generic()
    try:
        title, body, url = renderer(params)
    except Exception:  # a bad or outdated row must not take the notices page down with it
        logger.exception("Cannot render a notice of kind %r", kind)
        return generic()
    title = str(title)
    copy_for = params.get(COPY_FOR_PARAM)
    if copy_for:
        title = _("For %(name)s: %(title)s") % {"name": copy_for, "title": title}
    return Rendered(title, str(body or ""), str(url or ""))


# --- helpers for renderers: params hold ISO datetimes, shown in the reader's zone -----------


def moment(value: str) -> dt.datetime:
    """An ISO datetime from the params, in the active time zone."""
    parsed = dt.datetime.fromisoformat(value)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return timezone.localtime(parsed)


def when(value: str) -> str:
    """Date and time in the reader's format ("12月3日 09:00" / "Dec. 3, 2027, 9 a.m.")."""
    return formats.date_format(moment(value), "DATETIME_FORMAT")


def hm(value: str) -> str:
    """The time of day alone, as a 24-hour clock."""
    return moment(value).strftime("%H:%M")
