"""Reads of organisations, always starting from what the actor may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from silin.core.access import get_object_for_actor
from silin.core.roles import Capability
from silin.lib.http import parse_uuid
from silin.organizations.models import Membership, Organization
from silin.people.models import Resident
from silin.places.models import Community

if TYPE_CHECKING:
    from silin.accounts.models import User


def organization_list(
    *, actor: User, community: str = "", kind: str = "", field: str = ""
) -> QuerySet[Organization]:
    qs = Organization.objects.visible_to(actor)
    community_uuid = parse_uuid(community)
    if community_uuid:
        qs = qs.filter(community__uuid=community_uuid)
    if kind in Organization.Kind.values:
        qs = qs.filter(kind=kind)
    if field in Organization.Field.values:
        qs = qs.filter(field=field)
    return (
        qs.select_related("community", "leader")
        .annotate(member_count=Count("members"))
        .order_by("name", "id")  # Meta.ordering is dropped from GROUP BY queries
    )


def organization_get(*, actor: User, uuid: object) -> Organization:
    return get_object_for_actor(
        Organization.objects.visible_to(actor).select_related(
            "community__street", "leader__household"
        ),
        uuid=uuid,
    )


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("resident__household__unit__building", "resident__household__compound")
        .order_by("joined_on", "id")
    )


def organization_community_choices(*, actor: User) -> QuerySet[Community]:
    return Community.objects.visible_to(actor, Capability.EDIT_ORGANIZATIONS)


def organization_filter_communities(*, actor: User) -> QuerySet[Community]:
    return Community.objects.visible_to(actor, Capability.VIEW_ORGANIZATIONS)


def member_candidates(
    *, actor: User, organization: Organization, name: str, limit: int = 20
) -> QuerySet[Resident]:
    """Residents of the organisation's community, found by name, not yet members."""
    if not name.strip():
        return Resident.objects.none()
    return (
        Resident.objects.visible_to(actor)
        .living()
        .filter(household__community=organization.community, name__contains=name.strip())
        .exclude(organizations=organization)
        .select_related("household__unit__building", "household__compound")
        .order_by("name", "id")[:limit]
    )


def member_resident_get(*, actor: User, uuid: object) -> Resident:
    """A resident in the actor's register scope, to add to or remove from an organisation."""
    return get_object_for_actor(
        Resident.objects.visible_to(actor).select_related("household"), uuid=uuid
    )
