"""Who may see, sign up for and run which activities.

- Residents see the published activities of their street (home from their resident record
  and RESIDENT roles, as for spaces: `spaces.permissions.homes`); people holding any other
  role see those of the streets they work in. Outsiders (no home, no role) see none.
- Organisers (street admin, community worker, social worker, compound committee member)
  run the activities of the nodes they are assigned at: drafts, sign-up lists, attendance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q

from silin.activities.models import Event
from silin.core.roles import ALL_ROLES, Capability, Role
from silin.core.scoping import Scope, scope_for, scope_for_roles
from silin.places.models import Community
from silin.spaces.permissions import authenticated, homes

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.activities.models import CatalogueItem, Event, Proposal

ORGANISER_ROLES = frozenset(
    {Role.STREET_ADMIN, Role.COMMUNITY_WORKER, Role.SOCIAL_WORKER, Role.COMMITTEE_MEMBER}
)
# Editing the catalogue is for the street's and the communities' workers.
CATALOGUE_ROLES = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_WORKER})
NON_RESIDENT_ROLES = ALL_ROLES - {Role.RESIDENT}


def organiser_scope(user: Any) -> Scope:
    return scope_for_roles(user, ORGANISER_ROLES)


def street_ids(user: Any) -> frozenset[int]:
    """The streets whose activities `user` sees; memoised on the user object."""
    if not authenticated(user):
        return frozenset()
    cached: frozenset[int] | None = user.__dict__.get("_silin_activity_streets")
    if cached is not None:
        return cached
    found = {h.street_id for h in homes(user)}
    scope = scope_for_roles(user, NON_RESIDENT_ROLES)
    if scope.everything:
        found.update(Community.objects.values_list("street_id", flat=True))
    found.update(scope.street_ids)
    if scope.community_ids or scope.compound_ids:
        found.update(
            Community.objects.filter(
                Q(pk__in=scope.community_ids) | Q(compounds__pk__in=scope.compound_ids)
            ).values_list("street_id", flat=True)
        )
    result = frozenset(found)
    user.__dict__["_silin_activity_streets"] = result
    return result


def organises(user: Any, event: Event) -> bool:
    if not authenticated(user):
        return False
    return organiser_scope(user).covers(
        street_id=event.community.street_id,
        community_id=event.community_id,
        compound_id=event.compound_id,
    )


def sees_resident(user: Any, resident: Any) -> bool:
    """May `user` look up `resident` in the register (to sign them up or check them in)?"""
    if not authenticated(user):
        return False
    return scope_for(user, Capability.VIEW_REGISTER).covers(
        street_id=resident.community.street_id,
        community_id=resident.community_id,
        compound_id=resident.household.compound_id,
    )


def sees_event(user: Any, event: Event) -> bool:
    """The rule of `selectors.events_visible_to`, on one event in hand (its community read
    with it): listed or cancelled in one of the user's streets, or one they run."""
    if not authenticated(user):
        return False
    listed = event.state in (*Event.LISTED_STATES, Event.State.CANCELLED)
    return (listed and event.community.street_id in street_ids(user)) or organises(user, event)


def may_organise_at(user: Any, community: Community, compound_id: int | None = None) -> bool:
    if not authenticated(user):
        return False
    return organiser_scope(user).covers(
        street_id=community.street_id, community_id=community.pk, compound_id=compound_id
    )


def edits_catalogue_item(user: Any, item: CatalogueItem) -> bool:
    if not authenticated(user):
        return False
    scope = scope_for_roles(user, CATALOGUE_ROLES)
    return scope.covers(street_id=item.street_id, community_id=item.community_id)


def may_adopt_for(user: Any, community: Community) -> bool:
    if not authenticated(user):
        return False
    scope = scope_for_roles(user, CATALOGUE_ROLES)
    return scope.covers(street_id=community.street_id, community_id=community.pk)


def home_community_ids(user: Any) -> list[int]:
    """The communities `user` lives in (a resident's proposals go to one of them)."""
    return sorted({h.community_id for h in homes(user)})


def decides_proposal(user: Any, proposal: Proposal) -> bool:
    """The community's (or the street's) catalogue workers decide its residents' proposals."""
    if not authenticated(user):
        return False
    scope = scope_for_roles(user, CATALOGUE_ROLES)
    return scope.covers(street_id=proposal.community.street_id, community_id=proposal.community_id)


def decides_any_proposal(user: Any) -> bool:
    return not scope_for_roles(user, CATALOGUE_ROLES).empty


def runs_any(user: Any) -> bool:
    return not organiser_scope(user).empty


@rules.predicate
def _organises(user: User, event: Event | None) -> bool:
    return event is not None and organises(user, event)


rules.add_perm("activities.run_event", _organises)
