"""The one way a view or a service checks access: outside one's reach answers 404.

DESIGN.md convention 3: looking up an object the actor may not see answers exactly like a
missing one, so nobody learns that it exists. Every app calls these two helpers instead of
writing its own `_require`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from silin.lib.http import parse_uuid

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from silin.accounts.models import User

M = TypeVar("M", bound=Model)


def require_perm(actor: User | AnonymousUser, perm: str, obj: Any = None) -> None:
    """Raises Http404 unless `actor` holds the `rules` permission `perm` (on `obj`)."""
    if not actor.has_perm(perm, obj):
        raise Http404


def get_object_for_actor(
    queryset: QuerySet[M],
    *,
    uuid: object = None,
    perm: str | None = None,
    actor: User | AnonymousUser | None = None,
    **lookup: Any,
) -> M:
    """One object from an already scoped `queryset`, by `uuid` (or other lookups).

    A malformed UUID, a missing row and a row the actor may not act on (`perm`) all raise
    the same Http404.
    """
    if uuid is not None:
        parsed = parse_uuid(uuid)
        if parsed is None:
            raise Http404
        lookup["uuid"] = parsed
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    if perm is not None:
        if actor is None:
            raise ValueError("get_object_for_actor: a perm needs an actor")
        require_perm(actor, perm, obj)
    return obj
