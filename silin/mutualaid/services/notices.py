"""Notices of neighbour services: a kind and plain params, sent on commit, rendered in the
reader's language when read. Each family registers its renderers in `RENDERERS` through
`renderer(kind)`; renderers do not query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

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
