"""Writes to organisations. Each service checks scope, validates, saves and audits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib import phones
from silin.organizations.models import Membership, Organization
from silin.people.models import Resident
from silin.places.models import Community

if TYPE_CHECKING:
    from silin.accounts.models import User

AUDITED_FIELDS = (
    "name",
    "kind",
    "field",
    "community",
    "leader",
    "contact_name",
    "contact_phone",
    "description",
    "founded_on",
)


@dataclass
class OrganizationData:
    name: str
    kind: str
    field: str
    community: Community
    leader: Resident | None = None
    contact_name: str = ""
    contact_phone: str = ""
    description: str = ""
    founded_on: dt.date | None = None


def _require_edit_scope(actor: User, community: Community) -> None:
    if not scope_for(actor, Capability.EDIT_ORGANIZATIONS).covers(
        street_id=community.street_id, community_id=community.pk
    ):
        raise ValidationError(
            {"community": [_("This community is outside the area you look after.")]}
        )


def _validate(data: OrganizationData, *, instance: Organization | None) -> str:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Please enter the organisation's name.")]
    if data.kind not in Organization.Kind.values:
        errors["kind"] = [_("Please choose a kind.")]
    if data.field not in Organization.Field.values:
        errors["field"] = [_("Please choose a field.")]
    phone = phones.normalise(data.contact_phone) if data.contact_phone else ""
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        errors["contact_phone"] = [_("Please enter a phone number using digits only.")]
    if data.leader is not None and data.leader.household.community_id != data.community.pk:
        errors["leader"] = [_("The leader must live in the organisation's community.")]
    clash = Organization.objects.filter(community=data.community, name=data.name.strip())
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if data.name.strip() and clash.exists():
        errors["name"] = [_("This community already has an organisation with this name.")]
    if errors:
        raise ValidationError(errors)
    return phone


def _state(organization: Organization) -> dict[str, Any]:
    state = audit.snapshot(organization, AUDITED_FIELDS)
    state["community"] = str(organization.community.uuid)
    state["leader"] = str(organization.leader.uuid) if organization.leader else None
    state["founded_on"] = organization.founded_on.isoformat() if organization.founded_on else None
    return state


def _apply(organization: Organization, data: OrganizationData, phone: str) -> None:
    organization.name = data.name.strip()
    organization.kind = data.kind
    organization.field = data.field
    organization.community = data.community
    organization.leader = data.leader
    organization.contact_name = data.contact_name.strip()
    organization.contact_phone = phone
    organization.description = data.description.strip()
    organization.founded_on = data.founded_on


def _save(organization: Organization) -> None:
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:  # a concurrent writer took the same name
        raise ValidationError(
            {"name": [_("This community already has an organisation with this name.")]}
        ) from exc


def organization_validate(
    *, actor: User, data: OrganizationData, instance: Organization | None = None
) -> None:
    """The checks of create/update without saving, for forms."""
    if instance is not None:
        _require_edit_scope(actor, instance.community)
    _require_edit_scope(actor, data.community)
    _validate(data, instance=instance)


@transaction.atomic
def organization_create(*, actor: User, data: OrganizationData) -> Organization:
    _require_edit_scope(actor, data.community)
    phone = _validate(data, instance=None)
    organization = Organization()
    _apply(organization, data, phone)
    _save(organization)
    if data.leader is not None:
        Membership.objects.get_or_create(organization=organization, resident=data.leader)
    audit.record(
        actor=actor, action="create", obj=organization, changes=audit.diff({}, _state(organization))
    )
    return organization


@transaction.atomic
def organization_update(
    *, actor: User, organization: Organization, data: OrganizationData
) -> Organization:
    _require_edit_scope(actor, organization.community)
    _require_edit_scope(actor, data.community)
    before = _state(organization)
    phone = _validate(data, instance=organization)
    _apply(organization, data, phone)
    _save(organization)
    if data.leader is not None:
        Membership.objects.get_or_create(organization=organization, resident=data.leader)
    changes = audit.diff(before, _state(organization))
    if changes:
        audit.record(actor=actor, action="update", obj=organization, changes=changes)
    return organization


@transaction.atomic
def membership_add(*, actor: User, organization: Organization, resident: Resident) -> Membership:
    _require_edit_scope(actor, organization.community)
    if resident.household.community_id != organization.community_id:
        raise ValidationError(
            {"resident": [_("Members must live in the organisation's community.")]}
        )
    membership, created = Membership.objects.get_or_create(
        organization=organization, resident=resident
    )
    if created:
        audit.record(
            actor=actor,
            action="create",
            obj=organization,
            changes={"members": [None, str(resident.uuid)]},
            detail="membership",
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, organization: Organization, resident: Resident) -> None:
    _require_edit_scope(actor, organization.community)
    deleted, _count = Membership.objects.filter(
        organization=organization, resident=resident
    ).delete()
    if deleted:
        if organization.leader_id == resident.pk:
            organization.leader = None
            organization.save(update_fields=["leader"])
        audit.record(
            actor=actor,
            action="delete",
            obj=organization,
            changes={"members": [str(resident.uuid), None]},
            detail="membership",
        )
