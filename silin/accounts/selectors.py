"""Reads about user accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from silin.accounts.models import RoleAssignment, User
from silin.core.roles import Capability
from silin.core.scoping import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def user_list_visible_to(
    *, actor: User | AnonymousUser, capability: Capability = Capability.VIEW_REGISTER
) -> QuerySet[User]:
    """Accounts the actor may see: their own, those holding a role somewhere in the actor's
    jurisdiction, and those linked to a resident living in it."""
    scope = scope_for(actor, capability)
    if scope.everything:
        return User.objects.all()
    streets, communities, compounds = scope.street_ids, scope.community_ids, scope.compound_ids
    held_here = Q(pk__in=[])
    if streets:
        held_here |= (
            Q(street_id__in=streets)
            | Q(community__street_id__in=streets)
            | Q(compound__community__street_id__in=streets)
        )
    if communities:
        held_here |= Q(community_id__in=communities) | Q(compound__community_id__in=communities)
    if compounds:
        held_here |= Q(compound_id__in=compounds)
    role_here = RoleAssignment.objects.filter(held_here, user_id=OuterRef("pk"))
    resident_here = scope.q(
        street="resident__household__community__street_id",
        community="resident__household__community_id",
        compound="resident__household__compound_id",
    )
    return User.objects.filter(Q(pk=getattr(actor, "pk", None)) | Exists(role_here) | resident_here)
