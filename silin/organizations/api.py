"""Social organisations of the communities the actor may see."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import NodeRef
from silin.core.roles import Capability
from silin.core.scoping import Scope, scope_for
from silin.lib import masking
from silin.organizations.models import Membership, Organization
from silin.people.models import Resident

router = Router(tags=["organizations"])

if TYPE_CHECKING:  # the type checker cannot read a Literal built from the choices
    Kind = str
    OrgField = str
else:  # ninja validates against, and documents, the choices themselves
    Kind = Literal[tuple(Organization.Kind.values)]
    OrgField = Literal[tuple(Organization.Field.values)]


class OrganizationOut(Schema):
    uuid: UUID
    name: str
    kind: str
    field: str
    community: NodeRef
    contact_name: str
    contact_phone_masked: str
    description: str
    founded_on: dt.date | None
    member_count: int

    @staticmethod
    def resolve_contact_phone_masked(obj: Organization) -> str:
        return masking.mask_mobile(obj.contact_phone)


class MemberOut(Schema):
    uuid: UUID
    name: str = Field(description="Masked unless the register of this resident is yours.")
    joined_on: dt.date


class OrganizationDetail(OrganizationOut):
    leader_name: str = Field(description="Masked unless the register of the leader is yours.")
    members: list[MemberOut]

    @staticmethod
    def resolve_leader_name(obj: Organization, context: dict[str, Any]) -> str:
        return _name_for(_register_scope(context), obj.leader)

    @staticmethod
    def resolve_members(obj: Organization, context: dict[str, Any]) -> list[dict[str, Any]]:
        scope = _register_scope(context)
        return [
            {
                "uuid": m.resident.uuid,
                "name": _name_for(scope, m.resident),
                "joined_on": m.joined_on,
            }
            for m in obj.membership_set.all()
        ]


class OrganizationFilter(FilterSchema):
    community: Annotated[UUID | None, FilterLookup(q="community__uuid")] = None
    kind: Kind | None = None
    field: OrgField | None = None


def _organizations(actor):
    return (
        Organization.objects.visible_to(actor)
        .select_related("community")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("community__name", "name", "id")
    )


def _register_scope(context: dict[str, Any]) -> Scope:
    """Whose names the caller may read in full (memoised per user: no extra query)."""
    return scope_for(context["request"].auth, Capability.VIEW_REGISTER)


def _name_for(scope: Scope, resident: Resident | None) -> str:
    """A resident's name, masked for whoever does not keep the register they are in."""
    if resident is None:
        return ""
    h = resident.household
    covered = scope.covers(
        street_id=h.community.street_id, community_id=h.community_id, compound_id=h.compound_id
    )
    return resident.name if covered else masking.mask_name(resident.name)


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], **error_responses(422)},
    summary="Organisations I may see",
)
@paginate(PageNumberPagination)
def organization_list(request, filters: Query[OrganizationFilter]):
    return filters.filter(_organizations(request.auth))


@router.get(
    "/organizations/{uuid:organization_uuid}",
    response={200: OrganizationDetail, **error_responses(404)},
    summary="One organisation with its members",
)
def organization_detail(request, organization_uuid: UUID):
    memberships = Prefetch(
        "membership_set",
        queryset=Membership.objects.select_related("resident__household__community").order_by(
            "joined_on", "id"
        ),
    )
    return get_object_or_404(
        _organizations(request.auth)
        .select_related("leader__household__community")
        .prefetch_related(memberships),
        uuid=organization_uuid,
    )
