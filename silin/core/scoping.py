"""Jurisdiction scoping: which part of the tree a user may reach for a capability.

A user's roles are each assigned at a street, community or compound. A capability granted
at a street covers its communities; at a community, its compounds; at a compound, that
compound only. Every query a user can reach filters through `Scope.q(...)`, and an object
outside the scope is answered with 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.functional import LazyObject

from silin.core.roles import CAPABILITY_ROLES, Capability

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from silin.accounts.models import User


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    street_ids: frozenset[int] = field(default_factory=frozenset)
    community_ids: frozenset[int] = field(default_factory=frozenset)
    compound_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.street_ids or self.community_ids or self.compound_ids)

    def q(
        self,
        *,
        street: str | None = None,
        community: str | None = None,
        compound: str | None = None,
    ) -> Q:
        """A filter over a model whose path to each tree level is given (None: not below it)."""
        if self.everything:
            return Q()
        cond = Q(pk__in=[])
        if street and self.street_ids:
            cond |= Q(**{f"{street}__in": self.street_ids})
        if community and self.community_ids:
            cond |= Q(**{f"{community}__in": self.community_ids})
        if compound and self.compound_ids:
            cond |= Q(**{f"{compound}__in": self.compound_ids})
        return cond

    def covers(
        self, *, street_id: int | None, community_id: int | None, compound_id: int | None = None
    ) -> bool:
        return (
            self.everything
            or (street_id is not None and street_id in self.street_ids)
            or (community_id is not None and community_id in self.community_ids)
            or (compound_id is not None and compound_id in self.compound_ids)
        )


def user_memo(user: Any) -> dict[str, Any]:
    """Where per-request facts about `user` are memoised: the User object's own __dict__.

    `request.user` is a lazy proxy with a __dict__ of its own; a memo written there is not
    seen through the User object itself (which `has_perm` and the model's methods use), so
    every fact would be read twice. This reaches through the proxy.
    """
    if isinstance(user, LazyObject):
        user.pk  # noqa: B018 - evaluates the proxy
        user = user._wrapped  # noqa: SLF001
    memo: dict[str, Any] = user.__dict__
    return memo


def _authenticated(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def scope_for_roles(user: User | AnonymousUser | None, roles: Iterable[str]) -> Scope:
    """The part of the tree where `user` holds any of `roles`; memoised per request.

    Every scope in Silin is computed here: a capability's scope is the scope of the roles
    that grant it (`scope_for`), and a page that needs "wherever I hold a staff role" asks
    for those roles directly.
    """
    if not _authenticated(user):
        return Scope()
    assert user is not None
    if user.is_superuser:
        return Scope(everything=True)
    wanted = frozenset(roles)
    cache: dict[frozenset[str], Scope] = user_memo(user).setdefault("_silin_scopes", {})
    if wanted in cache:
        return cache[wanted]
    streets: set[int] = set()
    communities: set[int] = set()
    compounds: set[int] = set()
    for role, street_id, community_id, compound_id, _s, _c in user.role_grants():  # type: ignore[union-attr]
        if role not in wanted:
            continue
        if street_id:
            streets.add(street_id)
        elif community_id:
            communities.add(community_id)
        elif compound_id:
            compounds.add(compound_id)
    scope = Scope(
        street_ids=frozenset(streets),
        community_ids=frozenset(communities),
        compound_ids=frozenset(compounds),
    )
    cache[wanted] = scope
    return scope


def scope_for(user: User | AnonymousUser | None, capability: Capability) -> Scope:
    """The scope `user` holds for `capability`."""
    return scope_for_roles(user, CAPABILITY_ROLES[capability])


def reset_scope_cache(user: Any) -> None:
    memo = user_memo(user)
    for key in (
        "_silin_scopes",
        "_silin_assignments",
        "_silin_grants",
        "_silin_space_homes",
        "_silin_household",
        "_silin_may_approve",
    ):
        memo.pop(key, None)


def covers_compound(user: User, capability: Capability, compound: Any) -> bool:
    """Whether `user` holds `capability` over `compound` (and so over what is in it)."""
    return scope_for(user, capability).covers(
        street_id=compound.community.street_id,
        community_id=compound.community_id,
        compound_id=compound.pk,
    )


def covers_household(user: User, capability: Capability, household: Any) -> bool:
    """Whether `user` holds `capability` over `household`; reads its repeated tree ids."""
    return scope_for(user, capability).covers(
        street_id=household.community.street_id,
        community_id=household.community_id,
        compound_id=household.compound_id,
    )
