"""The jurisdiction tree and the household register, each scoped to the actor."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import NodeRef
from silin.people.models import Resident
from silin.places.models import Building, Community, Compound, Household, Street, Unit

router = Router(tags=["places"])


# --- schemas ---------------------------------------------------------------------------------


class TreeCompound(Schema):
    uuid: UUID
    name: str
    kind: str


class TreeCommunity(Schema):
    uuid: UUID
    name: str
    compounds: list[TreeCompound]


class TreeStreet(Schema):
    uuid: UUID
    name: str
    communities: list[TreeCommunity]


class CommunityOut(Schema):
    uuid: UUID
    name: str
    code: str
    address: str
    street: NodeRef


class CompoundOut(Schema):
    uuid: UUID
    name: str
    kind: str
    address: str


class CommunityDetail(CommunityOut):
    compounds: list[CompoundOut] = Field(description="The compounds the actor may see.")

    @staticmethod
    def resolve_compounds(obj: Community) -> list[Compound]:
        return obj.visible_compounds


class UnitOut(Schema):
    uuid: UUID
    number: str


class BuildingOut(Schema):
    uuid: UUID
    number: str
    floors: int
    units: list[UnitOut]


class CompoundDetail(CompoundOut):
    community: NodeRef
    buildings: list[BuildingOut]


class BuildingRef(Schema):
    uuid: UUID
    number: str


class HouseholdOut(Schema):
    uuid: UUID
    address: str
    floor: int
    door: str
    area: Decimal | None
    community: NodeRef
    compound: NodeRef
    building: BuildingRef
    unit: UnitOut
    resident_count: int = Field(description="Residents living here now.")
    created_at: dt.datetime

    @staticmethod
    def resolve_address(obj: Household) -> str:
        return obj.address_short

    @staticmethod
    def resolve_building(obj: Household) -> Building:
        return obj.unit.building


class HouseholdMember(Schema):
    uuid: UUID
    name: str
    gender: str
    age: int
    relation: str
    status: str
    mobile_masked: str


class HouseholdDetail(HouseholdOut):
    members: list[HouseholdMember]

    @staticmethod
    def resolve_members(obj: Household) -> list[Resident]:
        return list(obj.residents.all())


class HouseholdFilter(FilterSchema):
    community: Annotated[UUID | None, FilterLookup(q="community__uuid")] = None
    compound: Annotated[UUID | None, FilterLookup(q="compound__uuid")] = None
    building: Annotated[UUID | None, FilterLookup(q="unit__building__uuid")] = None


# --- reads -----------------------------------------------------------------------------------


def _households(actor):
    return (
        Household.objects.visible_to(actor)
        .select_related("unit__building", "compound", "community")
        .annotate(
            resident_count=Count("residents", filter=Q(residents__status=Resident.Status.LIVING))
        )
        .order_by(
            "community__name",
            "compound__name",
            "unit__building__number",
            "unit__number",
            "floor",
            "door",
            "id",
        )
    )


# --- endpoints -------------------------------------------------------------------------------


@router.get(
    "/tree",
    response={200: list[TreeStreet], **error_responses()},
    summary="Streets, communities and compounds I may see",
)
def tree(request):
    actor = request.auth
    compounds: dict[int, list[Compound]] = {}
    for compound in Compound.objects.visible_to(actor).order_by("name", "id"):
        compounds.setdefault(compound.community_id, []).append(compound)
    communities: dict[int, list[Community]] = {}
    for community in Community.objects.visible_to(actor).order_by("name", "id"):
        community.compounds_visible = compounds.get(community.id, [])
        communities.setdefault(community.street_id, []).append(community)
    streets = list(Street.objects.visible_to(actor).order_by("name", "id"))
    return [
        {
            "uuid": s.uuid,
            "name": s.name,
            "communities": [
                {"uuid": c.uuid, "name": c.name, "compounds": c.compounds_visible}
                for c in communities.get(s.id, [])
            ],
        }
        for s in streets
    ]


@router.get(
    "/communities",
    response={200: list[CommunityOut], **error_responses(422)},
    summary="Communities I may see",
)
@paginate(PageNumberPagination)
def community_list(request):
    return (
        Community.objects.visible_to(request.auth).select_related("street").order_by("name", "id")
    )


@router.get(
    "/communities/{uuid:community_uuid}",
    response={200: CommunityDetail, **error_responses(404)},
    summary="One community with the compounds I may see",
)
def community_detail(request, community_uuid: UUID):
    community = get_object_or_404(
        Community.objects.visible_to(request.auth).select_related("street"), uuid=community_uuid
    )
    community.visible_compounds = list(
        Compound.objects.visible_to(request.auth).filter(community=community).order_by("name", "id")
    )
    return community


@router.get(
    "/compounds/{uuid:compound_uuid}",
    response={200: CompoundDetail, **error_responses(404)},
    summary="One compound with its buildings and units",
)
def compound_detail(request, compound_uuid: UUID):
    units = Prefetch("units", queryset=Unit.objects.order_by("number", "id"))
    buildings = Prefetch(
        "buildings",
        queryset=Building.objects.order_by("number", "id").prefetch_related(units),
    )
    return get_object_or_404(
        Compound.objects.visible_to(request.auth)
        .select_related("community")
        .prefetch_related(buildings),
        uuid=compound_uuid,
    )


@router.get(
    "/households",
    response={200: list[HouseholdOut], **error_responses(422)},
    summary="Households in the register I may see",
)
@paginate(PageNumberPagination)
def household_list(request, filters: Query[HouseholdFilter]):
    return filters.filter(_households(request.auth))


@router.get(
    "/households/{uuid:household_uuid}",
    response={200: HouseholdDetail, **error_responses(404)},
    summary="One household with its members",
)
def household_detail(request, household_uuid: UUID):
    members = Prefetch("residents", queryset=Resident.objects.order_by("id"))
    return get_object_or_404(
        _households(request.auth).prefetch_related(members), uuid=household_uuid
    )
