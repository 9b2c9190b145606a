"""Reads of pairings: the overdue list of neighbours living alone, a helper's own pairings,
a community's pairings and the visits that found something not well.

A pairing is due `every_days` after its last visit (after its start, if never visited) and
overdue from the day after. The overdue list is computed in the database (the visit's local
date as a day number, plus `every_days`, against today's), ordered, counted and cut there,
so it costs the same four queries whatever the number of rows. No helper is ranked or counted
anywhere: the list is about the neighbours waiting for a visit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from silin.lib.http import parse_uuid
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import HelperProfile, Pairing, Visit
from silin.people.models import Resident
from silin.places.models import Community

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from silin.accounts.models import User

# The register's tag 独居 (people migration 0002_default_tags).
LIVING_ALONE = "living_alone"
LIVING = "living"
EPOCH = dt.date(2000, 1, 1)
# What a row of the lists shows, in the query that lists it.
PAIRING_RELATED = (
    "community__street",
    "helper__resident",
    "resident__household__unit__building",
    "resident__household__compound",
)
RESIDENT_RELATED = ("community", "household__unit__building", "household__compound")
# Personal details no list of pairings shows: left in the database.
SECRET = ("id_number_encrypted", "id_number_hash", "mobile_encrypted", "mobile_hash")
PAIRING_DEFERRED = tuple(f"{who}__{f}" for who in ("resident", "helper__resident") for f in SECRET)
SEARCH_LIMIT = 20
NOT_WELL_DAYS = 7


class DayNumber(Func):
    """A date as a whole number of days since 2000-01-01, on PostgreSQL and SQLite alike, so
    that SQL can add a pairing's `every_days` to a date and compare it with today's."""

    output_field = IntegerField()
    # PostgreSQL: date - date is a number of days.
    template = f"((%(expressions)s) - DATE '{EPOCH.isoformat()}')"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        template = f"CAST(julianday(%(expressions)s) - julianday('{EPOCH.isoformat()}') AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def _due_day() -> Any:
    """The day number a pairing is due on: its last visit's local date (or its start) plus
    `every_days`."""
    since = Coalesce(TruncDate("last_visit_at"), F("started_on"), output_field=DateField())
    return DayNumber(since) + F("every_days")


@dataclass(frozen=True)
class PairingDue:
    """A live pairing with when it was last visited, when it is next due, and by how many
    days that is past (0 when it is not)."""

    pairing: Pairing
    last_visit_on: dt.date | None
    due_on: dt.date
    days_overdue: int
    visited_today: bool


def due_of(pairing: Pairing, today: dt.date) -> PairingDue:
    """When `pairing` is due, computed from what it holds (no query)."""
    last = timezone.localdate(pairing.last_visit_at) if pairing.last_visit_at else None
    due_on = (last or pairing.started_on) + dt.timedelta(days=pairing.every_days)
    return PairingDue(
        pairing=pairing,
        last_visit_on=last,
        due_on=due_on,
        days_overdue=max((today - due_on).days, 0),
        visited_today=last == today,
    )


def _scoped(actor: User, community: Community | None, *, path: str = "") -> Q | None:
    """The coordinator's communities (narrowed to `community`); None when out of reach."""
    scope = perms.coordinator_scope(actor)
    if scope.empty:
        return None
    if community is not None and not perms.coordinates_community(actor, community):
        return None
    q = scope.q(street=f"{path}community__street_id", community=f"{path}community_id")
    if community is not None:
        q &= Q(**{f"{path}community_id": community.pk})
    return q


@dataclass(frozen=True)
class Overdue:
    """The overdue list: `rows` (the first `limit`) of `total`, most overdue first; and,
    apart, the neighbours living alone whom no live pairing visits (`unpaired`, the first
    `limit` of `unpaired_total`, oldest first)."""

    rows: list[PairingDue]
    total: int
    unpaired: list[Resident]
    unpaired_total: int


EMPTY = Overdue(rows=[], total=0, unpaired=[], unpaired_total=0)


def _keys_then_rows(
    keys: QuerySet, rows: QuerySet, offset: int, limit: int | None
) -> tuple[list[Any], int]:
    """A page of `keys` (pk and `total`, a window count, in the list's order) and its rows
    loaded from `rows` by pk: the sort and the count run on the few columns they need, and
    only the page is joined to what a row shows. Returns (rows in order, total)."""
    page = list(keys[offset : offset + limit] if limit is not None else keys[offset:])
    if not page:
        return [], (keys.count() if offset else 0)
    by_pk = {row.pk: row for row in rows.filter(pk__in=[pk for pk, _total in page])}
    return [by_pk[pk] for pk, _total in page if pk in by_pk], page[0][1]


def overdue_list(
    *,
    actor: User,
    community: Community | None = None,
    today: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
    with_unpaired: bool = True,
) -> Overdue:
    """Neighbours living alone (tag 独居) whose live pairing is past its visit, in the
    coordinator's communities: `limit` rows from `offset`; and (`with_unpaired`) the first
    `limit` of those with no live pairing at all. Two queries for each list (its page of
    keys, counted with a window, then its rows), none for an actor who coordinates
    nothing."""
    where = _scoped(actor, community)
    if where is None:
        return EMPTY
    today = today or timezone.localdate()
    today_n = day_number(today)
    keys = (
        Pairing.objects.filter(where, ended_on__isnull=True)
        .filter(resident__status=LIVING, resident__tags__code=LIVING_ALONE)
        .annotate(due_day=_due_day())
        .filter(due_day__lt=today_n)
        .annotate(total=Window(Count("pk")))
        .order_by("due_day", "resident__name", "pk")
        .values_list("pk", "total")
    )
    rows = Pairing.objects.select_related(*PAIRING_RELATED).defer(*PAIRING_DEFERRED)
    found, total = _keys_then_rows(keys, rows, offset, limit)
    unpaired, unpaired_total = (
        unpaired_list(actor=actor, community=community, limit=limit) if with_unpaired else ([], 0)
    )
    return Overdue(
        rows=[due_of(p, today) for p in found],
        total=total,
        unpaired=unpaired,
        unpaired_total=unpaired_total,
    )


def unpaired_list(
    *, actor: User, community: Community | None = None, limit: int | None = None, offset: int = 0
) -> tuple[list[Resident], int]:
    """Neighbours living alone (tag 独居) whom no live pairing visits, oldest first, in the
    coordinator's communities: `limit` of them from `offset`, and how many there are. Two
    queries. (Finding them reads every resident the tag names on the street: on a
    200,000-resident street about 15 ms of PostgreSQL, which is why they have a page of
    their own and are not on the overdue list's.)"""
    where = _scoped(actor, community)
    if where is None:
        return [], 0
    live = Pairing.objects.filter(resident=OuterRef("pk"), ended_on__isnull=True)
    keys = (
        Resident.objects.filter(where, status=LIVING, tags__code=LIVING_ALONE)
        .filter(~Exists(live))
        .annotate(total=Window(Count("pk")))
        .order_by("birth_date", "name", "pk")
        .values_list("pk", "total")
    )
    rows = Resident.objects.select_related(*RESIDENT_RELATED).defer(*SECRET)
    return _keys_then_rows(keys, rows, offset, limit)


def coordinated_communities(actor: User) -> list[Community]:
    """The communities whose pairings the actor keeps, by street and name. One query."""
    scope = perms.coordinator_scope(actor)
    if scope.empty:
        return []
    return list(
        Community.objects.filter(scope.q(street="street_id", community="id"))
        .select_related("street")
        .order_by("street__name", "name", "pk")
    )


def residents_to_pair(*, actor: User, community: Community, name: str) -> list[Resident]:
    """Residents of `community` whose name starts with `name`, for its coordinators; each
    with `alone` (tagged 独居). One query."""
    name = name.strip()[:50]
    if not name or _scoped(actor, community) is None:
        return []
    alone = Resident.tags.through.objects.filter(resident_id=OuterRef("pk"), tag__code=LIVING_ALONE)
    found = (
        Resident.objects.filter(community=community)
        .living()
        .name_starts_with(name)
        .annotate(alone=Exists(alone))
        .select_related(*RESIDENT_RELATED)
        .defer(*SECRET)
        .order_by("name", "pk")
    )
    return list(found[:SEARCH_LIMIT])


def resident_to_pair(
    *, actor: User, uuid: object, community: Community | None = None
) -> Resident | None:
    """A living resident by uuid, of a community the actor coordinates (of `community`, if
    given); None otherwise. One query."""
    parsed = parse_uuid(uuid)
    where = _scoped(actor, community)
    if parsed is None or where is None:
        return None
    return (
        Resident.objects.filter(where, uuid=parsed)
        .living()
        .select_related(*RESIDENT_RELATED, "community__street", "household__community")
        .first()
    )


def helpers_to_pair(*, actor: User, community: Community) -> list[HelperProfile]:
    """The verified helpers of `community` who are not paused, by name. One query."""
    if _scoped(actor, community) is None:
        return []
    return list(
        HelperProfile.objects.available()
        .filter(community=community)
        .select_related("resident__household__unit__building", "resident__household__compound")
        .defer(*(f"resident__{f}" for f in SECRET))
        .order_by("resident__name", "pk")
    )


def helper_to_pair(*, actor: User, community: Community, uuid: object) -> HelperProfile | None:
    """One of `community`'s verified helpers who are not paused, by uuid (None otherwise)."""
    parsed = parse_uuid(uuid)
    if parsed is None or _scoped(actor, community) is None:
        return None
    return (
        HelperProfile.objects.available()
        .filter(community=community, uuid=parsed)
        .select_related("resident__household")
        .first()
    )


def pairings_for_helper(*, actor: User, today: dt.date | None = None) -> list[PairingDue]:
    """The actor's own live pairings as a helper, the soonest due first. One query."""
    helper = perms.helper_of(actor)
    if helper is None:
        return []
    today = today or timezone.localdate()
    pairings = (
        Pairing.objects.filter(helper=helper, ended_on__isnull=True)
        .select_related(*PAIRING_RELATED)
        .defer(*PAIRING_DEFERRED)
        .order_by("started_on", "pk")
    )
    rows = [due_of(p, today) for p in pairings]
    return sorted(rows, key=lambda r: (r.due_on, r.pairing.pk))


def pairing_list(
    *, actor: User, community: Community, today: dt.date | None = None
) -> list[PairingDue]:
    """A community's live pairings for its coordinators, by the neighbour's name. One query."""
    where = _scoped(actor, community)
    if where is None:
        return []
    today = today or timezone.localdate()
    pairings = (
        Pairing.objects.filter(where, ended_on__isnull=True)
        .select_related(*PAIRING_RELATED)
        .defer(*PAIRING_DEFERRED)
        .order_by("resident__name", "pk")
    )
    return [due_of(p, today) for p in pairings]


def pairings_visible_to(actor: User) -> QuerySet[Pairing]:
    """Pairings of the communities the actor coordinates, and the actor's own as a helper."""
    where = _scoped(actor, None)
    helper = perms.helper_of(actor)
    mine = Q(helper=helper) if helper is not None else Q(pk__in=[])
    return (
        Pairing.objects.filter(mine | where if where is not None else mine)
        .select_related(*PAIRING_RELATED)
        .defer(*PAIRING_DEFERRED)
    )


def pairing_for_coordinator(*, actor: User, uuid: object) -> Pairing | None:
    """A pairing of a community the actor coordinates, or None (the caller answers 404)."""
    parsed = parse_uuid(uuid)
    where = _scoped(actor, None)
    if parsed is None or where is None:
        return None
    return (
        Pairing.objects.filter(where, uuid=parsed)
        .select_related(*PAIRING_RELATED)
        .defer(*PAIRING_DEFERRED)
        .first()
    )


def visits_not_well(
    *,
    actor: User,
    community: Community | None = None,
    now: dt.datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Visit], int]:
    """Visits of the last seven days logged "not all well", newest first, in the
    coordinator's communities: `limit` of them from `offset`, and how many there are. Two
    queries (the page's keys with the count, then its rows)."""
    where = _scoped(actor, community, path="pairing__")
    if where is None:
        return [], 0
    since = (now or timezone.now()) - dt.timedelta(days=NOT_WELL_DAYS)
    keys = (
        Visit.objects.filter(where, all_well=False, visited_at__gte=since)
        .annotate(total=Window(Count("pk")))
        .order_by("-visited_at", "-pk")
        .values_list("pk", "total")
    )
    rows = Visit.objects.select_related(
        "pairing__community", "pairing__resident", "pairing__helper__resident"
    ).only(
        *("uuid", "visited_at", "note", "all_well", "pairing_id", "pairing__uuid"),
        *("pairing__community_id", "pairing__community__uuid", "pairing__community__name"),
        *("pairing__resident_id", "pairing__resident__name", "pairing__helper_id"),
        *("pairing__helper__resident_id", "pairing__helper__resident__name"),
    )
    return _keys_then_rows(keys, rows, offset, limit)


def not_well_count(*, actor: User, now: dt.datetime | None = None) -> int:
    where = _scoped(actor, None, path="pairing__")
    if where is None:
        return 0
    since = (now or timezone.now()) - dt.timedelta(days=NOT_WELL_DAYS)
    return Visit.objects.filter(where, all_well=False, visited_at__gte=since).count()
