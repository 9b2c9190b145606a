"""Notices of neighbour services: a kind and plain params, sent on commit, rendered in the
reader's language when read. Each family registers its renderers in `RENDERERS` through
`renderer(kind)`; renderers do not query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silin.accounts.models import User
from silin.notifications import kinds
from silin.notifications.services import notification_send

if TYPE_CHECKING:
    from silin.people.models import Resident

Renderer = Callable[[Mapping[str, Any]], kinds.Rendered]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def add(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        return function

    return add


def notify(user: User | None, kind: str, params: Mapping[str, Any], *, sms: bool = False) -> None:
    """Send the notice once the transaction commits (params are read now)."""
    if user is None:
        return
    params = dict(params)
    transaction.on_commit(lambda: notification_send(user=user, kind=kind, params=params, sms=sms))


def account_of(resident: Resident) -> User | None:
    """The resident's own login, if they have one. Their family proxies holding "receive
    notices" get a copy through notifications.copies; a resident with no login hears
    through the worker (the request's board)."""
    return User.objects.filter(resident=resident, is_active=True).first()


def register_kinds() -> None:
    """Called from MutualAidConfig.ready, after every family module is imported."""
    for kind, function in RENDERERS.items():
        kinds.register(kind, function)


# --- rendering the requests' notices, when read ---------------------------------------------


def _request_url(p: Mapping[str, Any]) -> str:
    return reverse("mutualaid:request-detail", args=[p["request"]])


def _what(p: Mapping[str, Any]) -> str:
    from silin.mutualaid.models import Skill  # noqa: PLC0415  (models: the app registry)

    label = Skill(p["kind"]).label if p.get("kind") in Skill.values else p.get("kind", "")
    return _("%(kind)s, %(when)s") % {"kind": label, "when": kinds.when(p["starts_at"])}


def _simple(title: Any) -> Renderer:
    return lambda p: kinds.Rendered(str(title), _what(p), _request_url(p))


renderer("mutualaid_request_raised")(_simple(gettext_lazy("A request for help was made for you")))
renderer("mutualaid_request_cancelled")(_simple(gettext_lazy("Your request for help is cancelled")))
renderer("mutualaid_help_cancelled")(_simple(gettext_lazy("A neighbour no longer needs your help")))
renderer("mutualaid_request_expired")(
    _simple(gettext_lazy("No helper could come in time; the worker will call you"))
)
renderer("mutualaid_help_asked")(_simple(gettext_lazy("Can you help a neighbour?")))


@renderer("mutualaid_helper_coming")
def _coming(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("%(name)s will help you") % {"name": p.get("helper", "")}
    return kinds.Rendered(title, _what(p), _request_url(p))
