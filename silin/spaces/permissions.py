"""Who may see, book, run and approve what in Neighbour Spaces.

Three ways to reach a space:
- staff scope: MANAGE_SPACES (run it) or VIEW_SPACE_FIGURES over its place see every space
  there, open or not; other roles (volunteer, organisation leader ...) except RESIDENT see the
  open spaces of the nodes they are assigned at;
- home: a resident sees the open spaces of their street whose reach ("open to") includes
  their compound, community or street; the home comes from the resident record linked to the
  account and from RESIDENT role assignments;
- named: the space's manager and its named approvers.
Outsiders (no role, no home) see none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

import rules
from django.db.models import Q
from django.utils import timezone

from silin.core.roles import ALL_ROLES, Capability, Role
from silin.core.scoping import Scope, scope_for, scope_for_roles, user_memo
from silin.lib.prepared import Prepared
from silin.organizations.models import Organization
from silin.places.models import Household
from silin.spaces.models import Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from silin.accounts.models import User
    from silin.spaces.models import Booking, RenewalRecord

    Actor = User | AnonymousUser | None

# Every role but RESIDENT: holding one at a node shows the open spaces there.
NON_RESIDENT_ROLES = ALL_ROLES - {Role.RESIDENT}


@dataclass(frozen=True)
class Home:
    street_id: int
    community_id: int
    compound_id: int | None


def authenticated(user: Actor | Any) -> TypeGuard[User]:
    """A logged-in, active account (predicates also get AnonymousUser and None)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


# Every signed-in page of a resident asks it once (compiled once: `lib.prepared`).
_HOUSEHOLD_OF = Prepared(
    lambda resident_id: (
        Household.objects.filter(residents__pk=resident_id).select_related("community").order_by()
    ),
    Household._meta.pk,
)


def own_household(user: Actor) -> Household | None:
    """The household the user lives in (with its community), or None; memoised on the
    user object, so the reach of spaces and the booking's household cost one query."""
    if not authenticated(user) or not user.resident_id:
        return None
    memo = user_memo(user)
    if "_silin_household" not in memo:
        memo["_silin_household"] = _HOUSEHOLD_OF.first(user.resident_id)
    household: Household | None = memo["_silin_household"]
    return household


def homes(user: Actor) -> tuple[Home, ...]:
    """Where `user` lives, for the reach of spaces; memoised on the user object."""
    if not authenticated(user):
        return ()
    cached: tuple[Home, ...] | None = user_memo(user).get("_silin_space_homes")
    if cached is not None:
        return cached
    found: set[Home] = set()
    household = own_household(user)
    if household is not None:
        found.add(
            Home(household.community.street_id, household.community_id, household.compound_id)
        )
    for role, _street, community_id, compound_id, home_street, home_community in user.role_grants():
        if role != Role.RESIDENT or home_street is None or home_community is None:
            continue
        if compound_id is not None or community_id is not None:
            found.add(Home(home_street, home_community, compound_id))
    result = tuple(sorted(found, key=lambda h: (h.street_id, h.community_id, h.compound_id or 0)))
    user_memo(user)["_silin_space_homes"] = result
    return result


def staff_scope(user: Actor) -> Scope:
    """Nodes where `user` holds a role other than RESIDENT (they see open spaces there)."""
    return scope_for_roles(user, NON_RESIDENT_ROLES)


def covers_space(scope: Scope, space: Space) -> bool:
    return scope.covers(
        street_id=space.community.street_id,
        community_id=space.community_id,
        compound_id=space.compound_id,
    )


def reach_includes(space: Space, home: Home) -> bool:
    """Whether a resident living at `home` is someone `space` is open to."""
    reach = space.reach
    if reach == "street":
        return home.street_id == space.community.street_id
    if reach == "compound" and space.compound_id is not None:
        return home.compound_id == space.compound_id
    return home.community_id == space.community_id


def in_reach(user: Actor, space: Space) -> bool:
    return any(reach_includes(space, home) for home in homes(user))


def manages(user: Actor, space: Space) -> bool:
    if not authenticated(user):
        return False
    return user.pk == space.manager_id or covers_space(
        scope_for(user, Capability.MANAGE_SPACES), space
    )


def leads_organization(user: Actor, space: Space, organization: Organization | None = None) -> bool:
    """Whether `user` (through their resident record) leads or belongs to an organisation
    that may book `space`: `organization` if given, else any of the space's community."""
    if not authenticated(user) or not user.resident_id:
        return False
    orgs = Organization.objects.filter(
        Q(leader_id=user.resident_id) | Q(members__pk=user.resident_id)
    )
    if organization is not None:
        orgs = orgs.filter(pk=organization.pk)
    if space.reach == "street":
        orgs = orgs.filter(community__street_id=space.community.street_id)
    else:
        orgs = orgs.filter(community_id=space.community_id)
    return orgs.exists()


def may_book_for_self(user: Actor, space: Space, organization: Organization | None = None) -> bool:
    """The booking policy of `space` applied to `user` booking in their own name."""
    if not authenticated(user) or not space.active:
        return False
    if organization is not None:
        return space.bookable_by_organizations and leads_organization(user, space, organization)
    if space.bookable_by_residents and in_reach(user, space):
        return True
    if space.bookable_by_staff and (
        covers_space(staff_scope(user), space) or user.pk == space.manager_id
    ):
        return True
    return space.bookable_by_organizations and leads_organization(user, space)


# --- predicates ------------------------------------------------------------------------------


@rules.predicate
def can_browse_spaces(user: Actor) -> bool:
    return bool(homes(user)) or not staff_scope(user).empty


@rules.predicate
def can_view_space(user: Actor, space: Space | None) -> bool:
    # "spaces.view_space" is also the name of Django's model permission: the back office
    # asks it without an object, which the model permissions (not this rule) answer.
    if space is None or not authenticated(user):
        return False
    if manages(user, space) or covers_space(scope_for(user, Capability.VIEW_SPACE_FIGURES), space):
        return True
    if not space.active:
        return False
    return covers_space(staff_scope(user), space) or in_reach(user, space)


@rules.predicate
def can_book_space(user: Actor, space: Space) -> bool:
    return can_view_space(user, space) and may_book_for_self(user, space)


@rules.predicate
def can_manage_space(user: Actor, space: Space) -> bool:
    return manages(user, space)


@rules.predicate
def can_add_space(user: Actor) -> bool:
    return authenticated(user) and not scope_for(user, Capability.MANAGE_SPACES).empty


@rules.predicate
def can_book_on_behalf(user: Actor, space: Space) -> bool:
    return space.active and manages(user, space)


def is_approver(user: Actor, space: Space) -> bool:
    """Whether `user` is one of the space's named approvers."""
    return authenticated(user) and space.approvers.filter(pk=user.pk).exists()


@rules.predicate
def can_approve_booking(user: Actor, booking: Booking) -> bool:
    if booking.status != "requested" or booking.ends_at <= timezone.now():
        return False
    return manages(user, booking.space) or is_approver(user, booking.space)


@rules.predicate
def can_cancel_booking(user: Actor, booking: Booking) -> bool:
    if not authenticated(user) or booking.status not in ("requested", "approved"):
        return False
    now = timezone.now()
    if user.pk in (booking.booker_id, booking.booked_by_id) and booking.starts_at > now:
        return True
    return booking.ends_at > now and manages(user, booking.space)


@rules.predicate
def can_check_in_on_behalf(user: Actor, booking: Booking) -> bool:
    return booking.status == "approved" and manages(user, booking.space)


@rules.predicate
def can_view_booking(user: Actor, booking: Booking | None) -> bool:
    if booking is None or not authenticated(user):  # the back office's model permission
        return False
    if user.pk in (booking.booker_id, booking.booked_by_id):
        return True
    return manages(user, booking.space) or is_approver(user, booking.space)


@rules.predicate
def can_view_approval_queue(user: Actor) -> bool:
    if not authenticated(user):
        return False
    if not scope_for(user, Capability.MANAGE_SPACES).empty:
        return True
    return Space.objects.filter(manager=user).exists() or user.approved_spaces.exists()


@rules.predicate
def can_view_figures(user: Actor, space: Space) -> bool:
    return covers_space(scope_for(user, Capability.VIEW_SPACE_FIGURES), space)


def _covers_record(scope: Scope, record: RenewalRecord) -> bool:
    return scope.covers(
        street_id=record.community.street_id,
        community_id=record.community_id,
        compound_id=record.compound_id,
    )


@rules.predicate
def can_manage_renewal(user: Actor, record: RenewalRecord) -> bool:
    return _covers_record(scope_for(user, Capability.MANAGE_SPACES), record)


@rules.predicate
def can_view_renewal(user: Actor, record: RenewalRecord) -> bool:
    return can_manage_renewal(user, record) or _covers_record(
        scope_for(user, Capability.VIEW_SPACE_FIGURES), record
    )


rules.add_perm("spaces.browse_spaces", can_browse_spaces)
rules.add_perm("spaces.view_space", can_view_space)
rules.add_perm("spaces.book_space", can_book_space)
rules.add_perm("spaces.manage_space", can_manage_space)
rules.add_perm("spaces.add_space", can_add_space)
rules.add_perm("spaces.book_on_behalf", can_book_on_behalf)
rules.add_perm("spaces.approve_booking", can_approve_booking)
rules.add_perm("spaces.reject_booking", can_approve_booking)
rules.add_perm("spaces.cancel_booking", can_cancel_booking)
rules.add_perm("spaces.check_in_on_behalf", can_check_in_on_behalf)
rules.add_perm("spaces.view_booking", can_view_booking)
rules.add_perm("spaces.view_approval_queue", can_view_approval_queue)
rules.add_perm("spaces.view_figures", can_view_figures)
rules.add_perm("spaces.add_renewal", can_add_space)
rules.add_perm("spaces.manage_renewal", can_manage_renewal)
rules.add_perm("spaces.view_renewal", can_view_renewal)
