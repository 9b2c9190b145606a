"""Reads for the home page and the audit log.

Every function takes the signed-in `actor` and starts from `Model.objects.visible_to(actor)`
or from the actor's own role assignments, so a page built from them shows nothing the actor
may not see. Counts are computed in the database (aggregates, subqueries), never by
loading rows, so a street of 200,000 residents costs the same few queries as a test street.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from silin.core.models import AuditEntry
from silin.core.roles import Capability, Role
from silin.core.scoping import Scope

# Roles that work the register of one community (or compound) day to day.
WORKER_ROLES = frozenset(
    {Role.COMMUNITY_WORKER, Role.SOCIAL_WORKER, Role.GRID_MEMBER, Role.COMMITTEE_MEMBER}
)
TODO_LIMIT = 20


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


# --- resident: my household and neighbourhood ------------------------------------------------


@dataclass(frozen=True)
class HouseholdMember:
    name: str
    relation: str
    age: int
    mobile_masked: str
    is_me: bool


@dataclass(frozen=True)
class MyHousehold:
    address: str
    compound: Any
    community: Any
    street: Any
    members: list[HouseholdMember]


def my_household_for(*, actor) -> MyHousehold | None:
    """The actor's own household and its living members, details masked.

    A resident may always see what is held on their own household (PIPL), whatever roles
    they hold, so this reads from the actor's resident record rather than a jurisdiction.
    Other households are never reached.
    """
    from silin.people.models import Resident

    resident_id = getattr(actor, "resident_id", None)
    if not resident_id:
        return None
    me = (
        Resident.objects.select_related(
            "household__unit__building",
            "household__compound",
            "household__community__street",
        )
        .filter(pk=resident_id)
        .first()
    )
    if me is None:
        return None
    household = me.household
    today = timezone.localdate()
    members = [
        HouseholdMember(
            name=r.name,
            relation=r.get_relation_display(),
            age=r.age_on(today),
            mobile_masked=r.mobile_masked,
            is_me=r.pk == me.pk,
        )
        for r in Resident.objects.living().filter(household_id=household.pk).order_by("id")
    ]
    return MyHousehold(
        address=household.address_short,
        compound=household.compound,
        community=household.community,
        street=household.community.street,
        members=members,
    )


# --- community workers: register counts and to-dos ----------------------------------------


@dataclass
class CommunityCounts:
    community: Any
    residents: int = 0
    households: int = 0
    over_60: int = 0
    over_80: int = 0
    tags: list[tuple[Any, int]] = field(default_factory=list)


def _worker_scope(actor) -> Scope:
    """The part of the tree where the actor holds a worker role (not a street role)."""
    communities: set[int] = set()
    compounds: set[int] = set()
    for a in actor.active_role_assignments():
        if a.role not in WORKER_ROLES:
            continue
        if a.community_id:
            communities.add(a.community_id)
        elif a.compound_id:
            compounds.add(a.compound_id)
    return Scope(community_ids=frozenset(communities), compound_ids=frozenset(compounds))


def _worker_residents(actor) -> QuerySet | None:
    from silin.people.models import Resident

    scope = _worker_scope(actor)
    if scope.empty:
        return None
    return (
        Resident.objects.visible_to(actor)
        .living()
        .filter(scope.q(community="community_id", compound="household__compound_id"))
    )


def register_counts_for(*, actor) -> list[CommunityCounts]:
    """Per community where the actor works: living residents, households, over-60s and
    over-80s and how many carry each tag. Four queries however many communities."""
    from silin.people.models import Resident, Tag
    from silin.places.models import Community, Household

    residents = _worker_residents(actor)
    if residents is None:
        return []
    scope = _worker_scope(actor)
    today = timezone.localdate()
    rows = residents.values("community_id").annotate(
        total=Count("id"),
        over_60=Count("id", filter=Q(birth_date__lte=_years_ago(today, 60))),
        over_80=Count("id", filter=Q(birth_date__lte=_years_ago(today, 80))),
    )
    by_community = {row["community_id"]: row for row in rows.order_by("community_id")}
    households = (
        Household.objects.visible_to(actor)
        .filter(scope.q(community="community_id", compound="compound_id"))
        .values("community_id")
        .annotate(n=Count("id"))
        .order_by("community_id")
    )
    household_counts = {row["community_id"]: row["n"] for row in households}
    tag_rows = (
        Resident.tags.through.objects.filter(resident__in=residents)
        .values("resident__community_id", "tag_id")
        .annotate(n=Count("id"))
        .order_by("resident__community_id", "tag_id")
    )
    tag_rows = list(tag_rows)
    tags = {t.pk: t for t in Tag.objects.filter(pk__in={r["tag_id"] for r in tag_rows})}
    tag_counts: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    for r in tag_rows:
        tag_counts[r["resident__community_id"]].append((tags[r["tag_id"]], r["n"]))
    community_ids = set(scope.community_ids) | set(by_community) | set(household_counts)
    result = []
    for community in Community.objects.visible_to(actor).filter(pk__in=community_ids):
        row = by_community.get(community.pk, {})
        result.append(
            CommunityCounts(
                community=community,
                residents=row.get("total", 0),
                households=household_counts.get(community.pk, 0),
                over_60=row.get("over_60", 0),
                over_80=row.get("over_80", 0),
                tags=sorted(tag_counts.get(community.pk, []), key=lambda t: t[0].order),
            )
        )
    return result


@dataclass(frozen=True)
class Todos:
    items: list[Any]
    total: int


def worker_todos_for(*, actor, limit: int = TODO_LIMIT) -> Todos:
    """Residents the actor looks after whose record needs a follow-up visit: no mobile
    number on file, or a sensitive tag (health, disability, welfare) without the separate
    consent it needs. Each resident carries `missing_mobile` and `missing_consent`."""
    from silin.people.models import Consent, Resident

    residents = _worker_residents(actor)
    if residents is None:
        return Todos(items=[], total=0)
    sensitive_tag = Resident.tags.through.objects.filter(
        resident_id=OuterRef("pk"), tag__sensitive=True
    )
    consent = Consent.objects.filter(
        resident_id=OuterRef("pk"),
        purpose=Consent.Purpose.SENSITIVE_TAGS,
        withdrawn_at__isnull=True,
    )
    flagged = (
        residents.annotate(
            has_sensitive_tag=Exists(sensitive_tag),
            has_consent=Exists(consent),
        )
        .filter(Q(mobile_encrypted="") | Q(has_sensitive_tag=True, has_consent=False))
        .select_related("household__unit__building", "household__compound")
        # A sensitive tag without consent is the more urgent gap: list it first.
        .annotate(
            urgency=Case(
                When(has_sensitive_tag=True, has_consent=False, then=Value(0)),
                default=Value(1),
            )
        )
        .order_by("community_id", "urgency", "name", "id")
    )
    items = list(flagged[:limit])
    for r in items:
        r.missing_mobile = not r.mobile_encrypted
        r.missing_consent = r.has_sensitive_tag and not r.has_consent
    total = len(items) if len(items) < limit else flagged.count()
    return Todos(items=items, total=total)


@dataclass(frozen=True)
class RightsTodos:
    """Residents' requests waiting for the actor (PIPL): corrections and anonymisations."""

    corrections: list[Any]
    corrections_total: int
    anonymisation_due: int | None  # None: the actor may not anonymise

    @property
    def any(self) -> bool:
        return bool(self.corrections or self.anonymisation_due)


RIGHTS_TODO_LIMIT = 5


def rights_todos_for(*, actor, limit: int = RIGHTS_TODO_LIMIT) -> RightsTodos | None:
    """Open correction requests the actor may decide and the number of former residents
    due for anonymisation: two queries (three past `limit`), none for other users."""
    from silin.core.scoping import scope_for
    from silin.people import selectors as people_selectors

    if scope_for(actor, Capability.EDIT_REGISTER).empty:
        return None
    open_requests = people_selectors.correction_request_list(
        actor=actor, filters=people_selectors.CorrectionFilters(status="open")
    )
    items = list(open_requests[:limit])
    total = len(items) if len(items) < limit else open_requests.count()
    due = None
    if not scope_for(actor, Capability.ANONYMISE_RESIDENTS).empty:
        due = people_selectors.residents_due_for_anonymisation(actor=actor).count()
    return RightsTodos(corrections=items, corrections_total=total, anonymisation_due=due)


# --- street administrators: every community in one table ----------------------------------


def _count_in(queryset: QuerySet, outer_field: str) -> Coalesce:
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


def street_overview_for(*, actor) -> list[StreetOverview]:
    """For each street the actor administers, its communities with their numbers of living
    residents, households, compounds and organisations: one query for all the rows."""
    from silin.organizations.models import Organization
    from silin.people.models import Resident
    from silin.places.models import Community, Compound, Household

    street_ids = {
        a.street_id
        for a in actor.active_role_assignments()
        if a.role == Role.STREET_ADMIN and a.street_id
    }
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


# --- what the home page shows ------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    household: MyHousehold | None
    register: list[CommunityCounts]
    todos: Todos
    streets: list[StreetOverview]
    assignments: list[Any]
    rights: RightsTodos | None = None

    @property
    def empty(self) -> bool:
        return not (self.household or self.register or self.streets or self.assignments)


def home_for(*, actor) -> Home:
    """Every section the actor's roles call for; a user with several roles gets each."""
    return Home(
        household=my_household_for(actor=actor),
        register=register_counts_for(actor=actor),
        todos=worker_todos_for(actor=actor),
        streets=street_overview_for(actor=actor),
        assignments=actor.active_role_assignments(),
        rights=rights_todos_for(actor=actor),
    )


# --- audit log ----------------------------------------------------------------------------


def audit_entry_list_for(
    *,
    actor,
    actor_text: str = "",
    action: str = "",
    object_type: str = "",
    community_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet:
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


def audit_object_types_for(*, actor) -> list[str]:
    return list(
        AuditEntry.objects.visible_to(actor)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def audit_communities_for(*, actor) -> QuerySet:
    """Communities the actor may filter the audit log by."""
    from silin.places.models import Community

    return Community.objects.visible_to(actor, Capability.VIEW_AUDIT).order_by("name")
