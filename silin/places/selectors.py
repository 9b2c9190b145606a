"""Reads of the tree of places, always starting from what the actor may see.

The pages of the tree also count who lives where; those reads are the register's
(`silin.people.selectors`), which builds on `related_count` below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from silin.core.access import get_object_for_actor
from silin.places.models import Building, Community, Compound, Grid, Household

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from silin.accounts.models import User


def related_count(model_qs: QuerySet[Any], outer_field: str) -> Coalesce:
    """A correlated COUNT(*) subquery: cheaper than joining 200,000 residents into a GROUP BY."""
    sub = (
        model_qs.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def community_get(*, actor: User | AnonymousUser, uuid: object) -> Community:
    return get_object_for_actor(
        Community.objects.visible_to(actor).select_related("street"), uuid=uuid
    )


def compound_get(*, actor: User | AnonymousUser, uuid: object) -> Compound:
    return get_object_for_actor(
        Compound.objects.visible_to(actor).select_related("community__street"), uuid=uuid
    )


def building_get(*, actor: User | AnonymousUser, uuid: object) -> Building:
    return get_object_for_actor(
        Building.objects.visible_to(actor).select_related("compound__community__street"),
        uuid=uuid,
    )


def household_get(*, actor: User | AnonymousUser, uuid: object) -> Household:
    """A household the actor may open: in their register scope, or their own home."""
    return get_object_for_actor(
        Household.objects.select_related("unit__building", "compound", "community__street"),
        uuid=uuid,
        perm="places.view_household",
        actor=actor,
    )


def grid_list_for_community(*, actor: User | AnonymousUser, community: Community) -> QuerySet[Grid]:
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
