"""The household register over the API: households with who lives there, scoped to the actor.

These endpoints count and list residents, so they are the register's, mounted on the people
router with the `places` tag; their paths, schemas and operation ids are those the places
API always had.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import NodeRef
from silin.people.models import Resident
from silin.places.api import UnitOut
from silin.places.models import Building, Household

router = Router(tags=["places"])


# --- schemas ---------------------------------------------------------------------------------


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


def _households(actor) -> QuerySet[Household]:
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
# The operation ids are spelled out: API clients generated from docs/openapi.json name their
# methods after them, and they predate the move from silin.places.api.


@router.get(
    "/households",
    response={200: list[HouseholdOut], **error_responses(422)},
    summary="Households in the register I may see",
    operation_id="silin_places_api_household_list",
)
@paginate(PageNumberPagination)
def household_list(request, filters: Query[HouseholdFilter]):
    return filters.filter(_households(request.auth))


@router.get(
    "/households/{uuid:household_uuid}",
    response={200: HouseholdDetail, **error_responses(404)},
    summary="One household with its members",
    operation_id="silin_places_api_household_detail",
)
def household_detail(request, household_uuid: UUID):
    members = Prefetch("residents", queryset=Resident.objects.order_by("id"))
    return get_object_or_404(
        _households(request.auth).prefetch_related(members), uuid=household_uuid
    )
