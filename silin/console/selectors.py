"""Reads of the console: the street's overview of its communities and the audit log.

Every function takes the signed-in `actor` and starts from `Model.objects.visible_to(actor)`
or from the actor's own role assignments. Counts are computed in the database (correlated
subqueries), never by loading rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from silin.core.models import AuditEntry
from silin.core.roles import Capability, Role
from silin.core.scoping import scope_for_roles
from silin.organizations.models import Organization
from silin.people.models import Resident
from silin.places.models import Community, Compound, Household

if TYPE_CHECKING:
    from silin.accounts.models import User


# --- street administrators: every community in one table ----------------------------------


def _count_in(queryset: QuerySet[Any], outer_field: str) -> Coalesce:
    """A correlated COUNT over `queryset` grouped by `outer_field` = the outer community."""
    counted = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class StreetOverview:
    street: Any
    communities: list[Any]
    totals: dict[str, int]


def street_overview_for(*, actor: User) -> list[StreetOverview]:
    """For each street the actor administers, its communities with their numbers of living
    residents, households, compounds and organisations: one query for all the rows."""
    street_ids = scope_for_roles(actor, {Role.STREET_ADMIN}).street_ids
    if not street_ids:
        return []
    communities = list(
        Community.objects.visible_to(actor, Capability.VIEW_REGISTER)
        .filter(street_id__in=street_ids)
        .select_related("street")
        .annotate(
            n_residents=_count_in(Resident.objects.living(), "community_id"),
            n_households=_count_in(Household.objects.all(), "community_id"),
            n_compounds=_count_in(Compound.objects.all(), "community_id"),
            n_organizations=_count_in(Organization.objects.all(), "community_id"),
        )
        .order_by("street__name", "name")
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    streets: dict[int, Any] = {}
    for c in communities:
        grouped[c.street_id].append(c)
        streets[c.street_id] = c.street
    keys = ("n_residents", "n_households", "n_compounds", "n_organizations")
    return [
        StreetOverview(
            street=streets[sid],
            communities=rows,
            totals={k: sum(getattr(c, k) for c in rows) for k in keys},
        )
        for sid, rows in grouped.items()
    ]


# --- audit log ----------------------------------------------------------------------------


def audit_entry_list_for(
    *,
    actor: User,
    actor_text: str = "",
    action: str = "",
    object_type: str = "",
    community_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries the actor may read (street admins: their streets), newest first."""
    qs = AuditEntry.objects.visible_to(actor)
    if actor_text:
        qs = qs.filter(actor_label__icontains=actor_text)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if community_id:
        qs = qs.filter(community_id=community_id)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        next_day = date_to + dt.timedelta(days=1)
        qs = qs.filter(created_at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=tz))
    return qs.order_by("-created_at", "-id")


def audit_object_types_for(*, actor: User) -> list[str]:
    return list(
        AuditEntry.objects.visible_to(actor)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def audit_communities_for(*, actor: User) -> QuerySet[Community]:
    """Communities the actor may filter the audit log by."""
    return Community.objects.visible_to(actor, Capability.VIEW_AUDIT).order_by("name")
