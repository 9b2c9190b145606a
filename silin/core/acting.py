"""Acting for someone else (亲情账号): the powers a principal can grant, and which pages
and API paths each power opens.

A proxy (an adult child, a carer) acting for a principal runs requests *as* the principal,
but only on the pages an app opened for one of the granted powers; everything else answers
403 while acting. Apps register their pages here in their `AppConfig.ready()`; core and
people name no pillar::

    acting.register(Power.BOOK_SPACES, url_names=["spaces:*"], api_prefixes=["/spaces"])

A `url_name` is "namespace:name", or "namespace:*" for a whole app; an API prefix is a path
under the API root (`/api/v1`). Default deny: a page nobody registered is never open to a
proxy, so a new app is safe until it says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

API_ROOT = "/api/v1"


class Power(models.TextChoices):
    BOOK_SPACES = "book_spaces", _("Book spaces")
    SIGN_UP_ACTIVITIES = "sign_up_activities", _("Sign up for activities")
    ASK_HELP = "ask_help", _("Ask for and confirm help")
    RECEIVE_NOTICES = "receive_notices", _("Receive notices")
    SEE_MY_DATA = "see_my_data", _("See my data")
    HOUSEHOLD_VOTE = "household_vote", _("Vote for the household where the rules allow")


@dataclass
class _Opened:
    url_names: set[str]
    api_prefixes: set[str]


_registry: dict[str, _Opened] = {}


def register(
    power: str, *, url_names: Iterable[str] = (), api_prefixes: Iterable[str] = ()
) -> None:
    opened = _registry.setdefault(str(power), _Opened(set(), set()))
    opened.url_names.update(url_names)
    opened.api_prefixes.update(api_prefixes)


def page_allowed(powers: Iterable[str], view_name: str) -> bool:
    """Whether a page (its resolved "namespace:name") is open under any of `powers`."""
    namespace = view_name.rsplit(":", 1)[0] if ":" in view_name else ""
    for power in powers:
        opened = _registry.get(power)
        if opened is None:
            continue
        if view_name in opened.url_names or f"{namespace}:*" in opened.url_names:
            return True
    return False


def api_allowed(powers: Iterable[str], path: str) -> bool:
    """Whether an API path (the full path, `/api/v1/...`) is open under any of `powers`."""
    relative = path[len(API_ROOT) :] if path.startswith(API_ROOT) else path
    for power in powers:
        opened = _registry.get(power)
        if opened is None:
            continue
        for prefix in opened.api_prefixes:
            if relative == prefix or relative.startswith(prefix.rstrip("/") + "/"):
                return True
    return False


@dataclass(frozen=True)
class ActingContext:
    """Who is really acting, for whom, under which link and powers (for the audit log)."""

    proxy_id: int
    proxy_label: str
    principal_id: int
    principal_label: str
    link_uuid: str
    powers: frozenset[str]
    # Where the header's "what I may do" and "stop acting" lead (filled by people).
    home_url: str = ""
    stop_url: str = ""
