"""Reads of organisations, always starting from what the actor may see."""

from __future__ import annotations

import uuid as uuid_lib

from django.db.models import Count, QuerySet
from django.http import Http404

from silin.core.roles import Capability
from silin.organizations.models import Membership, Organization
from silin.places.models import Community


def parse_uuid(value) -> uuid_lib.UUID | None:
    try:
        return uuid_lib.UUID(str(value)) if value else None
    except ValueError:
        return None


def organization_list(
    *, actor, community: str = "", kind: str = "", field: str = ""
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


def organization_get(*, actor, uuid) -> Organization:
    value = parse_uuid(uuid)
    organization = (
        Organization.objects.visible_to(actor)
        .select_related("community__street", "leader__household")
        .filter(uuid=value)
        .first()
        if value
        else None
    )
    if organization is None:
        raise Http404
    return organization


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("resident__household__unit__building", "resident__household__compound")
        .order_by("joined_on", "id")
    )


def organization_community_choices(*, actor) -> QuerySet[Community]:
    return Community.objects.visible_to(actor, Capability.EDIT_ORGANIZATIONS)


def organization_filter_communities(*, actor) -> QuerySet[Community]:
    return Community.objects.visible_to(actor, Capability.VIEW_ORGANIZATIONS)


def member_candidates(*, actor, organization: Organization, name: str, limit: int = 20):
    """Residents of the organisation's community, found by name, not yet members."""
    from silin.people.models import Resident

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
