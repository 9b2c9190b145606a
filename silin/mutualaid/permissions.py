"""Who may ask for, match, give and see neighbour help.

- A resident asks for help for themselves (or a family proxy holding "ask for help" does, as
  them: `core.acting`); a grid member or a worker asks on behalf of a resident they may edit
  in the register.
- Coordinators (street admin, community and social workers of the node) run matching,
  verify helpers, keep pairings and see the notes; a courtyard alliance's coordinators run
  its compounds too.
- A helper sees the requests near them; a request's door and notes only once they accepted it.
- Everyone else: 404, exactly like a missing record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from silin.core.roles import Capability, Role
from silin.core.scoping import Scope, scope_for, scope_for_roles, user_memo

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.mutualaid.models import HelperProfile, HelpRequest
    from silin.people.models import Resident

COORDINATOR_ROLES = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_WORKER, Role.SOCIAL_WORKER})
# Who may raise a request for a resident: those who may edit the resident in the register.
ON_BEHALF_CAPABILITY = Capability.EDIT_REGISTER


def authenticated(user: Any) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def coordinator_scope(user: Any) -> Scope:
    return scope_for_roles(user, COORDINATOR_ROLES)


def alliance_compounds(user: Any) -> frozenset[int]:
    """The compounds of the alliances `user` coordinates; memoised per request."""
    if not authenticated(user):
        return frozenset()
    memo = user_memo(user)
    found: frozenset[int] | None = memo.get("_silin_alliance_compounds")
    if found is None:
        from silin.mutualaid.models import Alliance  # noqa: PLC0415  (models import this module)

        found = frozenset(
            Alliance.objects.filter(coordinators=user).values_list("compounds__pk", flat=True)
        ) - {None}
        memo["_silin_alliance_compounds"] = found
    return found


def coordinates(user: Any, *, street_id: int, community_id: int, compound_id: int | None) -> bool:
    if not authenticated(user):
        return False
    if coordinator_scope(user).covers(
        street_id=street_id, community_id=community_id, compound_id=compound_id
    ):
        return True
    return compound_id is not None and compound_id in alliance_compounds(user)


def coordinates_request(user: Any, request: HelpRequest) -> bool:
    household = request.household
    return coordinates(
        user,
        street_id=request.community.street_id,
        community_id=request.community_id,
        compound_id=household.compound_id,
    )


def coordinates_community(user: Any, community: Any) -> bool:
    return authenticated(user) and coordinator_scope(user).covers(
        street_id=community.street_id, community_id=community.pk, compound_id=None
    )


def acts_for_resident(user: Any, resident: Resident) -> bool:
    """May `user` raise a request for `resident`: themselves, or someone they may edit."""
    if not authenticated(user):
        return False
    if user.resident_id == resident.pk:
        return True
    household = resident.household
    return scope_for(user, ON_BEHALF_CAPABILITY).covers(
        street_id=resident.community.street_id,
        community_id=resident.community_id,
        compound_id=household.compound_id,
    )


def helper_of(user: Any) -> HelperProfile | None:
    """The user's helper profile, or None; memoised per request."""
    if not authenticated(user):
        return None
    memo = user_memo(user)
    if "_silin_helper" not in memo:
        from silin.mutualaid.models import HelperProfile  # noqa: PLC0415  (as above)

        memo["_silin_helper"] = (
            HelperProfile.objects.select_related("resident__household", "community")
            .filter(user=user)
            .first()
        )
    return memo["_silin_helper"]


def is_requester(user: Any, request: HelpRequest) -> bool:
    return authenticated(user) and user.resident_id == request.requester_id


def is_matched_helper(user: Any, request: HelpRequest) -> bool:
    helper = helper_of(user)
    return helper is not None and request.helper_id == helper.pk


def is_proposed_helper(user: Any, request: HelpRequest) -> bool:
    helper = helper_of(user)
    if helper is None:
        return False
    return request.proposals.filter(helper=helper, state="confirmed").exists()


def can_view_request(user: Any, request: HelpRequest) -> bool:
    return (
        is_requester(user, request)
        or acts_for_resident(user, request.requester)
        or coordinates_request(user, request)
        or is_matched_helper(user, request)
        or is_proposed_helper(user, request)
    )


def sees_private(user: Any, request: HelpRequest) -> bool:
    """The door number, the phone and the notes: the coordinators, and the helper once they
    accepted (each reveal to a helper is logged by the view)."""
    return coordinates_request(user, request) or (
        is_matched_helper(user, request) and request.state in ("accepted", "in_progress", "done")
    )
