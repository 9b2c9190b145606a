"""Spaces themselves: create, update (with the booking policy), rotate their public tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.spaces.models import Space, new_token
from silin.spaces.services.common import SpaceError, require_manage, scope_error, uuid_of

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.organizations.models import Organization
    from silin.places.models import Community, Compound

SPACE_FIELDS = (
    "name",
    "kind",
    "community",
    "compound",
    "parent",
    "address",
    "capacity",
    "description",
    "amenities",
    "step_free",
    "lift",
    "accessible_toilet",
    "managed_by",
    "manager",
    "active",
    "bookable_by_residents",
    "bookable_by_organizations",
    "bookable_by_staff",
    "approval_required",
    "book_ahead_days",
    "min_booking_minutes",
    "max_booking_minutes",
    "weekly_quota_household_minutes",
    "weekly_quota_organization_minutes",
    "check_in_grace_minutes",
    "reach",
    "allow_overlapping_own_bookings",
)
_FK_FIELDS = ("community", "compound", "parent", "managed_by", "manager")


@dataclass
class SpaceData:
    name: str
    kind: str
    community: Community
    capacity: int
    compound: Compound | None = None
    parent: Space | None = None
    address: str = ""
    description: str = ""
    amenities: Sequence[str] = ()
    step_free: bool = False
    lift: bool = False
    accessible_toilet: bool = False
    managed_by: Organization | None = None
    manager: User | None = None
    active: bool = True
    bookable_by_residents: bool = True
    bookable_by_organizations: bool = True
    bookable_by_staff: bool = True
    approval_required: bool = False
    book_ahead_days: int = 30
    min_booking_minutes: int = 30
    max_booking_minutes: int = 240
    weekly_quota_household_minutes: int | None = None
    weekly_quota_organization_minutes: int | None = None
    check_in_grace_minutes: int = 15
    reach: str = Space.Reach.COMMUNITY
    allow_overlapping_own_bookings: bool = True


def _require_manage_place(actor: User, community: Community, compound: Compound | None) -> None:
    covered = scope_for(actor, Capability.MANAGE_SPACES).covers(
        street_id=community.street_id,
        community_id=community.pk,
        compound_id=compound.pk if compound is not None else None,
    )
    if not covered:
        raise scope_error("compound" if compound is not None else "community")


def _check_place(data: SpaceData, instance: Space | None, errors: dict[str, list[str]]) -> None:
    if data.compound is not None and data.compound.community_id != data.community.pk:
        errors["compound"] = [_("This compound is not in the chosen community.")]
    parent = data.parent
    if parent is not None:
        if instance is not None and parent.pk == instance.pk:
            errors["parent"] = [_("A space cannot be inside itself.")]
        elif parent.community_id != data.community.pk:
            errors["parent"] = [_("The centre must be in the same community.")]
        elif parent.parent_id is not None:
            errors["parent"] = [_("Choose a centre, not a room inside one.")]
    if data.managed_by is not None and data.managed_by.community_id != data.community.pk:
        errors["managed_by"] = [_("The organisation must belong to the space's community.")]
    if data.reach == Space.Reach.COMPOUND and data.compound is None:
        errors["reach"] = [_("A space open to one compound only needs a compound.")]


def _check_policy(data: SpaceData, errors: dict[str, list[str]]) -> None:
    if data.capacity is None or data.capacity < 1:
        errors["capacity"] = [_("The capacity is at least one person.")]
    if not 1 <= data.book_ahead_days <= 366:
        errors["book_ahead_days"] = [_("Between 1 and 366 days ahead.")]
    if data.min_booking_minutes < 5:
        errors["min_booking_minutes"] = [_("The shortest booking is at least 5 minutes.")]
    if data.max_booking_minutes < data.min_booking_minutes:
        errors["max_booking_minutes"] = [
            _("The longest booking cannot be shorter than the shortest.")
        ]
    if data.max_booking_minutes > 24 * 60:
        errors["max_booking_minutes"] = [_("A booking lasts at most one day (1440 minutes).")]
    if not 0 <= data.check_in_grace_minutes <= 240:
        errors["check_in_grace_minutes"] = [_("Between 0 and 240 minutes.")]
    for name in ("weekly_quota_household_minutes", "weekly_quota_organization_minutes"):
        quota = getattr(data, name)
        if quota is not None and quota < data.min_booking_minutes:
            errors[name] = [_("A quota smaller than the shortest booking allows no booking.")]
    if not (data.bookable_by_residents or data.bookable_by_organizations or data.bookable_by_staff):
        errors["bookable_by_residents"] = [_("Choose at least one kind of booker.")]


def _check_space(data: SpaceData, instance: Space | None) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Please enter the space's name.")]
    if data.kind not in Space.Kind.values:
        errors["kind"] = [_("Please choose a kind.")]
    if data.reach not in Space.Reach.values:
        errors["reach"] = [_("Please choose who the space is open to.")]
    bad = [a for a in data.amenities if a not in Space.Amenity.values]
    if bad:
        errors["amenities"] = [_("Unknown amenities: %(codes)s.") % {"codes": ", ".join(bad)}]
    _check_place(data, instance, errors)
    _check_policy(data, errors)
    clash = Space.objects.filter(community=data.community, name=data.name.strip())
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if data.name.strip() and clash.exists():
        errors["name"] = [_("This community already has a space with this name.")]
    if errors:
        raise SpaceError(errors)


def _space_state(space: Space) -> dict[str, Any]:
    state = audit.snapshot(space, SPACE_FIELDS)
    for name in _FK_FIELDS:
        state[name] = uuid_of(getattr(space, name))
    state["amenities"] = list(space.amenities or [])
    return state


def _apply_space(space: Space, data: SpaceData) -> None:
    for name in SPACE_FIELDS:
        setattr(space, name, getattr(data, name))
    space.name = data.name.strip()
    space.address = data.address.strip()
    space.description = data.description.strip()
    space.amenities = list(dict.fromkeys(data.amenities))


def _save_space(space: Space) -> None:
    try:
        with transaction.atomic():
            space.save()
    except IntegrityError as exc:  # a concurrent writer took the same name
        raise SpaceError(
            {"name": [_("This community already has a space with this name.")]}
        ) from exc


def space_validate(*, actor: User, data: SpaceData, instance: Space | None = None) -> None:
    """The checks of create/update without saving, for forms."""
    if instance is not None:
        _require_manage_place(actor, instance.community, instance.compound)
    _require_manage_place(actor, data.community, data.compound)
    _check_space(data, instance)


@transaction.atomic
def space_create(*, actor: User, data: SpaceData) -> Space:
    space_validate(actor=actor, data=data)
    space = Space()
    _apply_space(space, data)
    _save_space(space)
    audit.record(
        actor=actor, action="create", obj=space, changes=audit.diff({}, _space_state(space))
    )
    return space


@transaction.atomic
def space_update(*, actor: User, space: Space, data: SpaceData) -> Space:
    space_validate(actor=actor, data=data, instance=space)
    before = _space_state(space)
    _apply_space(space, data)
    _save_space(space)
    changes = audit.diff(before, _space_state(space))
    if changes:
        audit.record(actor=actor, action="update", obj=space, changes=changes)
    return space


@transaction.atomic
def space_rotate_tokens(
    *, actor: User, space: Space, door: bool = False, feed: bool = False
) -> Space:
    """New tokens: printed door codes (door) or subscribed space feeds (feed) stop working."""
    require_manage(actor, space)
    fields = []
    if door:
        space.door_token = new_token()
        fields.append("door_token")
    if feed:
        space.feed_token = new_token()
        fields.append("feed_token")
    if fields:
        space.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="update",
            obj=space,
            changes={f: ["***", "***"] for f in fields},
            detail="tokens rotated",
        )
    return space
