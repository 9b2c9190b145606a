"""Use figures of shared spaces (邻空间), read from the bookings themselves.

For a week or a month, per space, per compound and for the whole scope:
  - hours open: the weekly opening hours of each day, replaced on a date by that date's
    exceptions (closed all day, or special hours);
  - hours booked: bookings that held the slot (booked, checked in, or not used and
    released), counted in the period their start falls in;
  - hours used: bookings checked in;
  - no-show rate: not used ÷ (checked in + not used), over the bookings whose fate is known;
  - busiest hours: booked hours per weekday × hour of day.

A period still under way counts up to now: its open hours until now, against the bookings
that have started by now (so the 2nd of December does not divide by the whole month). A
period still to come has nothing to count yet.

The bookings are summed in the database (a handful of grouped queries for any number of
spaces, on PostgreSQL and SQLite alike); only the opening hours, a few rows per space, are
added up in Python. Everything is scoped by the VIEW_SPACE_FIGURES capability: a space
outside the actor's scope answers 404, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import (
    Cast,
    ExtractHour,
    ExtractIsoWeekDay,
    ExtractMinute,
    TruncDate,
    TruncMonth,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core.roles import Capability
from silin.core.scoping import Scope, scope_for
from silin.places.models import Community
from silin.spaces.models import Booking, OpeningException, OpeningHours, Space
from silin.spaces.periods import MONTH, Period, period_of, trend_periods

# A booking counts as booked when it held its slot; as used when someone checked in.
BOOKED_STATES = (Booking.Status.APPROVED, Booking.Status.CHECKED_IN, Booking.Status.NO_SHOW)
USED = Booking.Status.CHECKED_IN
NO_SHOW = Booking.Status.NO_SHOW


class _Length(Func):
    """A booking's length in minutes (a number), worked out by the database itself.

    Django's own `F("ends_at") - F("starts_at")` is a Python function called per row on
    SQLite; julianday() is SQLite's own, so summing a year of bookings stays cheap.
    """

    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 60.0)"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self) -> None:
        super().__init__(F("ends_at"), F("starts_at"))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 1440.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class _SqliteLocal(Func):
    """strftime(format, starts_at, '+N minutes'): a part of the local start time on SQLite,
    for a time zone whose offset is the same all through the window read."""

    function = "strftime"
    output_field = CharField()

    def __init__(self, fmt: str, offset_minutes: int) -> None:
        super().__init__(Value(fmt), F("starts_at"), Value(f"{offset_minutes:+d} minutes"))


def _fixed_offset(start: dt.datetime, end: dt.datetime) -> int | None:
    """On SQLite, the local UTC offset in minutes if it does not change between start and
    end (Asia/Shanghai's never does). None on PostgreSQL, whose time-zone functions are
    native anyway, and for a window crossing a daylight-saving change: callers then use
    Django's Extract/Trunc functions."""
    if connection.vendor != "sqlite":
        return None
    offsets = {
        timezone.localtime(start + dt.timedelta(days=d)).utcoffset()
        for d in range((end - start).days + 1)
    }
    offset = offsets.pop() if len(offsets) == 1 else None
    if offset is None:
        return None
    return int(offset.total_seconds() // 60)


# --- scope ---------------------------------------------------------------------------------


def figures_scope(actor) -> Scope:
    return scope_for(actor, Capability.VIEW_SPACE_FIGURES)


def _space_q(scope: Scope) -> Q:
    return scope.q(street="community__street_id", community="community_id", compound="compound_id")


def figures_spaces(*, actor, community=None) -> QuerySet[Space]:
    """The spaces whose figures `actor` may read (active ones), with their places loaded."""
    scope = figures_scope(actor)
    if scope.empty:
        return Space.objects.none()
    spaces = Space.objects.filter(_space_q(scope), active=True)
    if community is not None:
        spaces = spaces.filter(community=community)
    # Community-level spaces (no compound) first in each community, on either database.
    return spaces.select_related("community", "compound").order_by(
        "community__name", F("compound__name").asc(nulls_first=True), "name", "id"
    )


def figures_communities(*, actor) -> QuerySet[Community]:
    """The communities holding spaces whose figures `actor` may read, by name."""
    return Community.objects.filter(
        pk__in=figures_spaces(actor=actor).values("community_id")
    ).order_by("name")


def figures_space_get(*, actor, uuid) -> Space:
    """One space whose figures `actor` may read; 404 otherwise."""
    scope = figures_scope(actor)
    space = (
        Space.objects.filter(_space_q(scope), uuid=uuid)
        .select_related("community", "compound")
        .first()
        if not scope.empty
        else None
    )
    if space is None:
        raise Http404
    return space


def can_view_figures(actor, space: Space | None = None) -> bool:
    scope = figures_scope(actor)
    if space is None:
        return not scope.empty
    return scope.covers(
        street_id=space.community.street_id,
        community_id=space.community_id,
        compound_id=space.compound_id,
    )


# --- hours open ----------------------------------------------------------------------------


def _minutes_between(opens: dt.time, closes: dt.time) -> int:
    return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)


Spans = list[tuple[dt.time, dt.time]]


def _open_minutes(spans: Spans, until: dt.time | None = None) -> int:
    """Minutes open in a day's `spans`, only those before `until` if given."""
    total = 0
    for opens, closes in spans:
        if until is not None:
            if until <= opens:
                continue
            closes = min(closes, until)
        total += _minutes_between(opens, closes)
    return total


@dataclass
class OpeningTable:
    """The opening hours and exceptions of many spaces, loaded in two queries."""

    weekly: dict[int, list[Spans]]  # space id -> opening windows for weekday 0..6
    exceptions: dict[tuple[int, dt.date], Spans]  # (space id, date) -> that day's windows

    @classmethod
    def load(cls, space_ids: Sequence[int], start: dt.date, end: dt.date) -> OpeningTable:
        weekly: dict[int, list[Spans]] = defaultdict(lambda: [[] for _day in range(7)])
        for space_id, weekday, opens, closes in (
            OpeningHours.objects.filter(space_id__in=space_ids)
            .order_by()
            .values_list("space_id", "weekday", "opens", "closes")
        ):
            weekly[space_id][weekday].append((opens, closes))
        exceptions: dict[tuple[int, dt.date], Spans] = {}
        closed: set[tuple[int, dt.date]] = set()
        rows = (
            OpeningException.objects.filter(space_id__in=space_ids, date__gte=start, date__lt=end)
            .order_by()
            .values_list("space_id", "date", "closed", "opens", "closes")
        )
        for space_id, day, is_closed, special_opens, special_closes in rows:
            key = (space_id, day)
            if is_closed:
                closed.add(key)
            elif special_opens is not None and special_closes is not None:
                exceptions.setdefault(key, []).append((special_opens, special_closes))
        for key in closed:  # any closed row closes the whole day
            exceptions[key] = []
        return cls(weekly=dict(weekly), exceptions=exceptions)

    def open_minutes(self, space_id: int, period: Period, until: dt.datetime | None = None) -> int:
        """Minutes open in `period`; with `until`, only those before it (a period under way
        counts its open hours up to now, and a period still to come has none yet)."""
        week = self.weekly.get(space_id) or [[] for _day in range(7)]
        last_day = timezone.localdate(until) if until is not None else None
        total = 0
        for day in period.dates():
            if last_day is not None and day > last_day:
                break
            special = self.exceptions.get((space_id, day))
            spans = week[day.weekday()] if special is None else special
            cut = None
            if until is not None and day == last_day:
                cut = timezone.localtime(until).time()
            total += _open_minutes(spans, cut)
        return total


# --- the figures ---------------------------------------------------------------------------


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    """part/whole as a percentage with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """Sums in minutes for one space, compound or scope over one period."""

    label: str = ""
    open_minutes: int = 0
    booked_minutes: int = 0
    used_minutes: int = 0
    bookings: int = 0
    checked_in: int = 0
    no_shows: int = 0
    spaces: int = 0

    def add(self, other: Figures) -> None:
        self.open_minutes += other.open_minutes
        self.booked_minutes += other.booked_minutes
        self.used_minutes += other.used_minutes
        self.bookings += other.bookings
        self.checked_in += other.checked_in
        self.no_shows += other.no_shows
        self.spaces += other.spaces

    @property
    def hours_open(self) -> Decimal:
        return _hours(self.open_minutes)

    @property
    def hours_booked(self) -> Decimal:
        return _hours(self.booked_minutes)

    @property
    def hours_used(self) -> Decimal:
        return _hours(self.used_minutes)

    @property
    def booked_share(self) -> Decimal | None:
        """Hours booked as a percentage of hours open."""
        return _share(self.booked_minutes, self.open_minutes)

    @property
    def used_share(self) -> Decimal | None:
        """Hours used as a percentage of hours open."""
        return _share(self.used_minutes, self.open_minutes)

    @property
    def no_show_rate(self) -> Decimal | None:
        return _share(self.no_shows, self.checked_in + self.no_shows)


def _minutes(value: float | Decimal | None) -> int:
    return 0 if value is None else round(value)


@dataclass(frozen=True)
class Selection:
    """Which bookings a figure reads: the actor's scope, narrowed to a community or a space.

    It matches `figures_spaces` (active spaces in scope) without listing their ids, so a
    street-wide query stays one indexed range over the bookings' start times.
    """

    scope: Scope
    community_id: int | None = None
    space_id: int | None = None
    until: dt.datetime | None = None  # now: what starts later has not happened yet

    def bookings(self, start: dt.datetime, end: dt.datetime) -> QuerySet[Booking]:
        if self.until is not None:
            end = max(start, min(end, self.until))
        bookings = Booking.objects.filter(
            _space_q(self.scope),
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=BOOKED_STATES,
            space__active=True,
        )
        if self.community_id is not None:
            bookings = bookings.filter(community_id=self.community_id)
        if self.space_id is not None:
            bookings = bookings.filter(space_id=self.space_id)
        return bookings


_SUMS = {
    "booked": Sum(_Length()),
    "used": Sum(_Length(), filter=Q(status=USED)),
    "n": Count("id"),
    "n_used": Count("id", filter=Q(status=USED)),
    "n_no_show": Count("id", filter=Q(status=NO_SHOW)),
}


def _fill(fig: Figures, row: Mapping[str, Any]) -> Figures:
    fig.booked_minutes = _minutes(row["booked"])
    fig.used_minutes = _minutes(row["used"])
    fig.bookings = row["n"]
    fig.checked_in = row["n_used"]
    fig.no_shows = row["n_no_show"]
    return fig


def _compound_key(space: Space) -> tuple[str, str]:
    if space.compound is not None:
        return space.community.name, space.compound.name
    return space.community.name, ""


@dataclass
class Overview:
    """The figures of every space in scope, grouped by compound, for one period."""

    period: Period
    total: Figures
    by_compound: list[Figures]
    by_space: list[tuple[Space, Figures]]
    trend: list[tuple[Period, Figures]] = field(default_factory=list)
    heat: list[list[Decimal]] = field(default_factory=list)
    # A period under way is counted up to now: its open hours so far against the bookings
    # that have started by then. None for a period that is over.
    counted_until: dt.datetime | None = None

    @property
    def not_begun(self) -> bool:
        return self.counted_until is not None and self.counted_until <= self.period.starts_at


def _until(period: Period, now: dt.datetime | None) -> dt.datetime | None:
    now = now or timezone.now()
    return now if now < period.ends_at else None


def street_overview(*, actor, period: Period, community=None, now=None) -> Overview:
    """Per space and per compound for `period`, the trend before it and the busiest hours."""
    now = now or timezone.now()
    selection = Selection(
        figures_scope(actor), community_id=getattr(community, "pk", None), until=now
    )
    spaces = list(figures_spaces(actor=actor, community=community))
    trend = trend_periods(period)
    table = OpeningTable.load([s.pk for s in spaces], trend[0].start, trend[-1].end)
    rows = {
        row["space_id"]: row
        for row in selection.bookings(period.starts_at, period.ends_at)
        .values("space_id")
        .annotate(**_SUMS)
        .order_by()
    }
    by_space, groups = [], {}
    total = Figures(label=_("All spaces"))
    for space in spaces:
        open_minutes = table.open_minutes(space.pk, period, until=now)
        fig = Figures(label=space.name, open_minutes=open_minutes, spaces=1)
        if space.pk in rows:
            _fill(fig, rows[space.pk])
        by_space.append((space, fig))
        key = _compound_key(space)
        if key not in groups:
            community_name, compound_name = key
            groups[key] = Figures(
                label=compound_name
                or _("%(community)s (community spaces)") % {"community": community_name}
            )
        groups[key].add(fig)
        total.add(fig)
    return Overview(
        period=period,
        total=total,
        by_compound=list(groups.values()),
        by_space=by_space,
        trend=_trend(selection, trend, table, [s.pk for s in spaces]),
        heat=busiest_hours(selection, period) if spaces else _empty_heat(),
        counted_until=_until(period, now),
    )


def space_figures(*, actor, space: Space, period: Period, now=None) -> Overview:
    """The same figures for one space (which the caller looked up with figures_space_get)."""
    now = now or timezone.now()
    selection = Selection(figures_scope(actor), space_id=space.pk, until=now)
    trend = trend_periods(period)
    table = OpeningTable.load([space.pk], trend[0].start, trend[-1].end)
    row = selection.bookings(period.starts_at, period.ends_at).aggregate(**_SUMS)
    open_minutes = table.open_minutes(space.pk, period, until=now)
    fig = _fill(Figures(label=space.name, open_minutes=open_minutes, spaces=1), row)
    return Overview(
        period=period,
        total=fig,
        by_compound=[],
        by_space=[(space, fig)],
        trend=_trend(selection, trend, table, [space.pk]),
        heat=busiest_hours(selection, period),
        counted_until=_until(period, now),
    )


def _trend(
    selection: Selection, periods: list[Period], table: OpeningTable, space_ids: list[int]
) -> list[tuple[Period, Figures]]:
    """Booked and used minutes per period in one grouped query (by local day, or month,
    folded into the periods here, so weeks need no database-specific week truncation)."""
    figures = []
    for p in periods:
        fig = Figures(label=p.short_label)
        fig.open_minutes = sum(table.open_minutes(s, p, until=selection.until) for s in space_ids)
        figures.append(fig)
    if not space_ids:
        return list(zip(periods, figures, strict=True))
    start, end = periods[0].starts_at, periods[-1].ends_at
    offset = _fixed_offset(start, end)
    bucket: Func
    if offset is not None:
        fmt = "%Y-%m-01" if periods[0].kind == MONTH else "%Y-%m-%d"
        bucket = _SqliteLocal(fmt, offset)
    else:
        trunc = TruncMonth if periods[0].kind == MONTH else TruncDate
        bucket = trunc("starts_at", tzinfo=timezone.get_current_timezone())
    rows: Iterable[Mapping[str, Any]] = (
        selection.bookings(start, end)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(**_SUMS)
        .order_by()
    )
    index = {p.start: i for i, p in enumerate(periods)}
    for row in rows:
        day = _as_date(row["bucket"])
        position = index.get(period_of(periods[0].kind, day).start)
        if position is not None:
            fig = figures[position]
            fig.booked_minutes += _minutes(row["booked"])
            fig.used_minutes += _minutes(row["used"])
            fig.bookings += row["n"]
            fig.checked_in += row["n_used"]
            fig.no_shows += row["n_no_show"]
    return list(zip(periods, figures, strict=True))


def _as_date(bucket: dt.datetime | dt.date | str) -> dt.date:
    if isinstance(bucket, str):
        return dt.date.fromisoformat(bucket)
    return bucket.date() if isinstance(bucket, dt.datetime) else bucket


def _local_start_parts(period: Period) -> tuple[dict, Callable[[int], int]]:
    """Weekday, hour and minute of the local start time, and how to turn the weekday
    into 0 = Monday."""
    offset = _fixed_offset(period.starts_at, period.ends_at)
    parts: dict[str, Func]
    if offset is not None:
        parts = {
            name: Cast(_SqliteLocal(fmt, offset), IntegerField())
            for name, fmt in (("weekday", "%w"), ("hour", "%H"), ("minute", "%M"))
        }
        return parts, lambda sunday_first: (sunday_first + 6) % 7
    tz = timezone.get_current_timezone()
    parts = {
        "weekday": ExtractIsoWeekDay("starts_at", tzinfo=tz),
        "hour": ExtractHour("starts_at", tzinfo=tz),
        "minute": ExtractMinute("starts_at", tzinfo=tz),
    }
    return parts, lambda iso: iso - 1


def _empty_heat() -> list[list[Decimal]]:
    return [[Decimal("0.0")] * 24 for _day in range(7)]


def busiest_hours(selection: Selection, period: Period) -> list[list[Decimal]]:
    """Booked hours per weekday (0 = Monday) × hour of day (0-23), local time.

    The database groups the bookings by weekday, start time and length (few distinct
    combinations however many bookings); each group is then spread over the hours it
    covers, so a booking from 9:30 to 11:00 adds half an hour to 9 o'clock and an hour to
    10 o'clock.
    """
    minutes = [[0] * 24 for _day in range(7)]
    parts, monday_first = _local_start_parts(period)
    rows = (
        selection.bookings(period.starts_at, period.ends_at)
        .annotate(**parts, length=_Length())
        .values("weekday", "hour", "minute", "length")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        start = row["hour"] * 60 + row["minute"]
        weekday = monday_first(row["weekday"])
        _spread(minutes, weekday, start, _minutes(row["length"]), row["n"])
    return [[_hours(m) for m in day] for day in minutes]


def _spread(minutes: list[list[int]], weekday: int, start: int, length: int, n: int) -> None:
    """Adds `n` bookings of `length` minutes from minute `start` of `weekday` to the grid,
    running over midnight into the next day if need be."""
    position, left = weekday * 1440 + start, length
    while left > 0:
        day, minute = divmod(position, 1440)
        take = min(left, 60 - minute % 60)
        minutes[day % 7][minute // 60] += take * n
        position += take
        left -= take
