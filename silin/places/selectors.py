"""Reads of the tree of places, always starting from what the actor may see."""

from __future__ import annotations

import uuid as uuid_lib
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from silin.core.roles import Capability
from silin.places.models import Building, Community, Compound, Grid, Household, Street, Unit


def _count(model_qs: QuerySet, outer_field: str) -> Coalesce:
    """A correlated COUNT(*) subquery: cheaper than joining 200,000 residents into a GROUP BY."""
    sub = (
        model_qs.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _residents():
    from silin.people.models import Resident

    return Resident.objects.living()


def community_tree(*, actor) -> list[tuple[Street, list[Community]]]:
    """Streets with the communities the actor may see, each with its counts."""
    communities = (
        Community.objects.visible_to(actor)
        .select_related("street")
        .annotate(
            compound_count=_count(Compound.objects.all(), "community"),
            household_count=_count(Household.objects.all(), "community"),
            resident_count=_count(_residents(), "community"),
        )
        .order_by("street__name", "name")
    )
    grouped: dict[Street, list[Community]] = defaultdict(list)
    for community in communities:
        grouped[community.street].append(community)
    return list(grouped.items())


def _get(qs: QuerySet, value) -> object:
    try:
        return qs.get(uuid=uuid_lib.UUID(str(value)))
    except (ValueError, qs.model.DoesNotExist) as exc:
        raise Http404 from exc


def community_get(*, actor, uuid) -> Community:
    return _get(Community.objects.visible_to(actor).select_related("street"), uuid)


def compound_list_for_community(*, actor, community: Community) -> QuerySet[Compound]:
    return (
        Compound.objects.visible_to(actor)
        .filter(community=community)
        .annotate(
            building_count=_count(Building.objects.all(), "compound"),
            household_count=_count(Household.objects.all(), "compound"),
            resident_count=_count(_residents(), "household__compound"),
        )
        .order_by("name")
    )


def compound_get(*, actor, uuid) -> Compound:
    return _get(Compound.objects.visible_to(actor).select_related("community__street"), uuid)


def building_list_for_compound(*, actor, compound: Compound) -> QuerySet[Building]:
    return (
        Building.objects.visible_to(actor)
        .filter(compound=compound)
        .annotate(
            household_count=_count(Household.objects.all(), "unit__building"),
            resident_count=_count(_residents(), "household__unit__building"),
        )
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("number")))
        .order_by("number")
    )


def building_get(*, actor, uuid) -> Building:
    return _get(
        Building.objects.visible_to(actor).select_related("compound__community__street"), uuid
    )


def unit_list_for_building(*, actor, building: Building) -> list[Unit]:
    """Units, each with `floors`: [(floor, [household, ...]), ...] from the top floor down."""
    households = Household.objects.annotate(
        resident_count=_count(_residents(), "household")
    ).order_by("-floor", "door")
    units = list(
        Unit.objects.visible_to(actor)
        .filter(building=building)
        .prefetch_related(Prefetch("households", queryset=households))
        .order_by("number")
    )
    for unit in units:
        floors: dict[int, list[Household]] = defaultdict(list)
        for household in unit.households.all():
            floors[household.floor].append(household)
        unit.floors = list(floors.items())
    return units


def household_get(*, actor, uuid) -> Household:
    """A household the actor may open: in their register scope, or their own home."""
    household = _get(
        Household.objects.select_related("unit__building", "compound", "community__street"),
        uuid,
    )
    if not actor.has_perm("places.view_household", household):
        raise Http404
    return household


def household_members(*, household: Household) -> QuerySet:
    from silin.people.models import Resident

    return (
        Resident.objects.filter(household=household)
        .prefetch_related("tags")
        .order_by("status", "birth_date")
    )


def household_choices(*, actor, capability: Capability = Capability.EDIT_REGISTER) -> QuerySet:
    """Households the actor may place a resident in, for form choices."""
    return Household.objects.visible_to(actor, capability).select_related(
        "unit__building", "compound"
    )


def grid_list_for_community(*, actor, community: Community) -> QuerySet[Grid]:
    """The community's grids with their buildings and grid members (three queries)."""
    return (
        Grid.objects.visible_to(actor)
        .filter(community=community)
        .prefetch_related(
            Prefetch(
                "buildings",
                queryset=Building.objects.select_related("compound").order_by(
                    "compound__name", "number"
                ),
            ),
            Prefetch("members", queryset=get_user_model().objects.order_by("name")),
        )
        .order_by("name")
    )
