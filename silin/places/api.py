"""The jurisdiction tree over the API, scoped to the actor.

The household register (/households) counts and lists residents: it is the register's,
in silin/people/place_api.py.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from collections import defaultdict
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import NodeRef
from silin.places.models import Building, Community, Compound, Street, Unit

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
    def resolve_compounds(obj: Community, context: dict[str, Any]) -> list[Compound]:
        actor = context["request"].auth
        return list(Compound.objects.visible_to(actor).filter(community=obj).order_by("name", "id"))


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


# --- endpoints -------------------------------------------------------------------------------


@router.get(
    "/tree",
    response={200: list[TreeStreet], **error_responses()},
    summary="Streets, communities and compounds I may see",
)
def tree(request):
    actor = request.auth
    compounds: dict[int, list[Compound]] = defaultdict(list)
    for compound in Compound.objects.visible_to(actor).order_by("name", "id"):
        compounds[compound.community_id].append(compound)
    communities: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in Community.objects.visible_to(actor).order_by("name", "id"):
        communities[c.street_id].append(
            {"uuid": c.uuid, "name": c.name, "compounds": compounds.get(c.id, [])}
        )
    streets = list(Street.objects.visible_to(actor).order_by("name", "id"))
    return [
        {"uuid": s.uuid, "name": s.name, "communities": communities.get(s.id, [])} for s in streets
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
    return get_object_or_404(
        Community.objects.visible_to(request.auth).select_related("street"), uuid=community_uuid
    )


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
