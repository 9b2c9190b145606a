"""What decides whether a space is free over a range, as contiguous intervals.

`SpaceCalendar.load` reads a space's rules (weekly hours, exceptions, blocked periods) and
live bookings over a range in two queries (three when the range holds a block and the
booking services need its overriders); the rest is computed from what was read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import prefetch_related_objects
from django.utils import timezone

from silin.spaces.models import (
    BlockedPeriod,
    Booking,
    OpeningException,
    OpeningHours,
    Space,
    WaitlistEntry,
)

if TYPE_CHECKING:
    from silin.accounts.models import User

FREE = "free"
REQUESTED = "requested"
TAKEN = "taken"
BLOCKED = "blocked"
CLOSED = "closed"


# --- the rules of a space over a range, in one UNION written once --------------------------
#
# The UNION used to be four querysets compiled on every call: Django's SQL compiler was a
# third of a won booking's CPU and a sixth of the space page's. It is the same query on
# every call, so its text is written once per shape (with or without blocks and offers)
# and run with the call's parameters; the few values SQLite hands back as text are read
# here (PostgreSQL's are typed already).

_TSTZ = "CAST(NULL AS timestamp with time zone)"
_rules_sql: dict[tuple[str, bool, bool], str] = {}


def _columns(model: type[models.Model], *names: str) -> dict[str, str]:
    """The quoted table-qualified column of each (concrete) field name."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    fields = {f.name: f for f in model._meta.concrete_fields}
    return {n: f"{table}.{q(str(fields[n].column))}" for n in names}


def _rules_query(*, include_blocked: bool, with_offers: bool) -> str:
    key = (connection.vendor, include_blocked, with_offers)
    if key in _rules_sql:
        return _rules_sql[key]
    q = connection.ops.quote_name
    h = _columns(OpeningHours, "id", "weekday", "opens", "closes", "space")
    e = _columns(
        OpeningException, "id", "date", "opens", "closes", "closed", "note", "reason", "space"
    )
    # Only names from the models' metadata go into the text; every value is a parameter.
    parts = [
        f"SELECT 'hours', {h['id']}, {h['weekday']}, CAST(NULL AS date), {h['opens']},"  # noqa: S608
        f" {h['closes']}, FALSE, {_TSTZ}, {_TSTZ}, '', '', {_TSTZ}"
        f" FROM {q(OpeningHours._meta.db_table)} WHERE {h['space']} = %s",
        f"SELECT 'exception', {e['id']}, CAST(NULL AS integer), {e['date']}, {e['opens']},"  # noqa: S608
        f" {e['closes']}, {e['closed']}, {_TSTZ}, {_TSTZ}, {e['note']}, {e['reason']}, {_TSTZ}"
        f" FROM {q(OpeningException._meta.db_table)}"
        f" WHERE {e['space']} = %s AND {e['date']} BETWEEN %s AND %s",
    ]
    if include_blocked:
        b = _columns(BlockedPeriod, "id", "starts_at", "ends_at", "reason", "space")
        parts.append(
            f"SELECT 'blocked', {b['id']}, CAST(NULL AS integer), CAST(NULL AS date),"  # noqa: S608
            f" CAST(NULL AS time), CAST(NULL AS time), FALSE, {b['starts_at']}, {b['ends_at']},"
            f" {b['reason']}, '', {_TSTZ} FROM {q(BlockedPeriod._meta.db_table)}"
            f" WHERE {b['space']} = %s AND {b['starts_at']} < %s AND {b['ends_at']} > %s"
        )
    if with_offers:
        w = _columns(
            WaitlistEntry,
            "id",
            "user",
            "starts_at",
            "ends_at",
            "offer_expires_at",
            "state",
            "space",
        )
        parts.append(
            f"SELECT 'offer', {w['id']}, {w['user']}, CAST(NULL AS date), CAST(NULL AS time),"  # noqa: S608
            f" CAST(NULL AS time), FALSE, {w['starts_at']}, {w['ends_at']}, '', '',"
            f" {w['offer_expires_at']} FROM {q(WaitlistEntry._meta.db_table)}"
            f" WHERE {w['space']} = %s AND {w['state']} = %s AND {w['offer_expires_at']} > %s"
            f" AND {w['starts_at']} < %s AND {w['ends_at']} > %s"
        )
    _rules_sql[key] = " UNION ALL ".join(parts)
    return _rules_sql[key]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _time(value: Any) -> dt.time | None:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> dt.datetime | None:
    """An aware datetime (SQLite keeps UTC as naive text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def _rules_rows(
    *,
    space_id: int,
    dates: tuple[dt.date, dt.date],
    span: tuple[dt.datetime, dt.datetime] | None,
    include_blocked: bool,
    offers_at: dt.datetime | None,
) -> list[tuple[Any, ...]]:
    """(kind, id, weekday or user id, date, opens, closes, closed, starts_at, ends_at, text,
    reason, offer_expires_at) rows of the hours, the exceptions dated `dates`, and the
    blocks and open offers over `span`."""
    ops = connection.ops
    params: list[Any] = [space_id, space_id, ops.adapt_datefield_value(dates[0])]
    params.append(ops.adapt_datefield_value(dates[1]))
    if span is not None:
        start, end = (ops.adapt_datetimefield_value(v) for v in span)
    if include_blocked:
        params += [space_id, end, start]
    if offers_at is not None:
        state = WaitlistEntry.State.OFFERED.value
        params += [space_id, state, ops.adapt_datetimefield_value(offers_at), end, start]
    sql = _rules_query(include_blocked=include_blocked, with_offers=offers_at is not None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    return [
        (
            kind,
            pk,
            weekday,
            _date(date),
            _time(opens),
            _time(closes),
            bool(closed),
            _moment(b_start),
            _moment(b_end),
            text or "",
            why or "",
            _moment(expires),
        )
        for (
            kind,
            pk,
            weekday,
            date,
            opens,
            closes,
            closed,
            b_start,
            b_end,
            text,
            why,
            expires,
        ) in raw
    ]


@dataclass(frozen=True)
class Interval:
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str  # free | requested | taken | blocked | closed
    booking: Booking | None = None
    reason: str = ""

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class SpaceCalendar:
    """What decides whether a space is free over a range: two queries for any range (the
    rules with the blocks, the bookings), three when a block in the range is needed with
    those who may book through it (services)."""

    space: Space
    starts_at: dt.datetime
    ends_at: dt.datetime
    hours: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    exceptions: dict[dt.date, list[OpeningException]] = field(default_factory=dict)
    blocked: list[BlockedPeriod] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    own_elsewhere: list[Booking] = field(default_factory=list)
    # Open waiting-list offers over the range (`waitlist_offers_holding`), read with the
    # rules when `offers_at` (now) is given.
    offers: list[WaitlistEntry] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        space: Space,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        *,
        with_overriders: bool = False,
        booker: User | None = None,
        offers_at: dt.datetime | None = None,
        exceptions_through: dt.date | None = None,
    ) -> SpaceCalendar:
        """`exceptions_through` also reads the exceptions from today through that date (the
        space page lists the coming ones beside the week): in the same query."""
        cal = cls(space=space, starts_at=starts_at, ends_at=ends_at)
        cal._load_rules(
            include_blocked=True, offers_at=offers_at, exceptions_through=exceptions_through
        )
        if with_overriders and cal.blocked:
            # Who may book through a block: asked only when the range has one.
            prefetch_related_objects(cal.blocked, "overriders")
        if booker is None:
            cal.bookings = list(
                Booking.objects.filter(space=space, status__in=Booking.LIVE_STATES)
                .overlapping(starts_at, ends_at)
                .order_by("starts_at", "id")
            )
            return cal
        # The same query also reads the booker's live bookings of other spaces over the
        # range (`own_elsewhere`, as `own_bookings_overlapping` gives them): one round trip.
        rows = list(
            Booking.objects.filter(
                models.Q(space=space) | models.Q(booker=booker), status__in=Booking.LIVE_STATES
            )
            .overlapping(starts_at, ends_at)
            .select_related("space")
            .order_by("starts_at", "id")
        )
        cal.bookings = [b for b in rows if b.space_id == space.pk]
        cal.own_elsewhere = [b for b in rows if b.space_id != space.pk]
        return cal

    def _load_rules(
        self,
        *,
        include_blocked: bool,
        offers_at: dt.datetime | None = None,
        exceptions_through: dt.date | None = None,
    ) -> None:
        """Weekly hours, the range's exceptions and (optionally) blocks and the waiting
        list's open offers at `offers_at` in one UNION query."""
        space, start, end = self.space, self.starts_at, self.ends_at
        first, last = timezone.localdate(start), timezone.localdate(end)
        if exceptions_through is not None:
            first = min(first, timezone.localdate())
            last = max(last, exceptions_through)
        rows = _rules_rows(
            space_id=space.pk,
            dates=(first, last),
            span=(start, end) if include_blocked or offers_at is not None else None,
            include_blocked=include_blocked,
            offers_at=offers_at,
        )
        offers: list[WaitlistEntry] = []
        hours: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
        exceptions: dict[dt.date, list[OpeningException]] = defaultdict(list)
        blocked: list[BlockedPeriod] = []
        for row in rows:
            kind, pk, weekday, date, opens, closes, closed, b_start, b_end, text, why, expires = row
            if kind == "hours":
                hours[weekday].append((opens, closes))
            elif kind == "exception":
                exceptions[date].append(
                    OpeningException(
                        pk=pk,
                        space=space,
                        date=date,
                        closed=closed,
                        opens=opens,
                        closes=closes,
                        note=text,
                        reason=why,
                    )
                )
            elif kind == "offer":
                offers.append(
                    WaitlistEntry(
                        pk=pk,
                        space=space,
                        user_id=weekday,
                        starts_at=b_start,
                        ends_at=b_end,
                        state=WaitlistEntry.State.OFFERED,
                        offer_expires_at=expires,
                    )
                )
            else:
                blocked.append(
                    BlockedPeriod(pk=pk, space=space, starts_at=b_start, ends_at=b_end, reason=text)
                )
        self.offers = sorted(offers, key=lambda o: (o.starts_at, o.pk))
        self.hours = {d: sorted(spans) for d, spans in hours.items()}
        self.exceptions = dict(exceptions)
        self.blocked = sorted(blocked, key=lambda b: b.starts_at)

    def exceptions_between(self, first: dt.date, last: dt.date) -> list[OpeningException]:
        """The loaded exceptions dated `first`..`last`, by date."""
        return [
            e
            for date in sorted(self.exceptions)
            if first <= date <= last
            for e in sorted(self.exceptions[date], key=lambda e: e.pk)
        ]

    def windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening windows of a local date, aware, exceptions applied."""
        tz = timezone.get_current_timezone()
        rows = self.exceptions.get(day)
        if rows:
            if any(e.closed for e in rows):
                return []
            spans = sorted(
                (e.opens, e.closes) for e in rows if e.opens is not None and e.closes is not None
            )
        else:
            spans = self.hours.get(day.weekday(), [])
        return [
            (
                dt.datetime.combine(day, opens, tzinfo=tz),
                dt.datetime.combine(day, closes, tzinfo=tz),
            )
            for opens, closes in spans
        ]

    def window_holding(self, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        day = timezone.localdate(starts_at)
        return any(o <= starts_at and ends_at <= c for o, c in self.windows(day))

    def blocked_for(
        self, starts_at: dt.datetime, ends_at: dt.datetime, actor: User | None = None
    ) -> BlockedPeriod | None:
        for b in self.blocked:
            if b.starts_at < ends_at and b.ends_at > starts_at:
                if actor is not None and any(u.pk == actor.pk for u in b.overriders.all()):
                    continue
                return b
        return None

    def confirmed_overlap(
        self, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude_pk: int | None = None
    ) -> Booking | None:
        for b in self.bookings:
            if (
                b.status in Booking.CONFIRMED_STATES
                and b.pk != exclude_pk
                and b.starts_at < ends_at
                and b.ends_at > starts_at
            ):
                return b
        return None

    def requests_overlapping(
        self, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude_pk: int | None = None
    ) -> list[Booking]:
        return [
            b
            for b in self.bookings
            if b.status == Booking.Status.REQUESTED
            and b.pk != exclude_pk
            and b.starts_at < ends_at
            and b.ends_at > starts_at
        ]

    def intervals(self) -> list[Interval]:
        return _sweep(self)


def _events(cal: SpaceCalendar) -> list[tuple[dt.datetime, int, str, object]]:
    """Boundaries of every segment clipped to the range: (time, +1/-1, state, payload)."""
    start, end = cal.starts_at, cal.ends_at
    segments: list[tuple[dt.datetime, dt.datetime, str, object]] = []
    day, last = timezone.localdate(start), timezone.localdate(end)
    while day <= last:
        segments.extend((o, c, "open", None) for o, c in cal.windows(day))
        day += dt.timedelta(days=1)
    segments.extend((b.starts_at, b.ends_at, BLOCKED, b) for b in cal.blocked)
    for b in cal.bookings:
        state = REQUESTED if b.status == Booking.Status.REQUESTED else TAKEN
        segments.append((b.starts_at, b.ends_at, state, b))
    tz = timezone.get_current_timezone()
    events: list[tuple[dt.datetime, int, str, object]] = []
    for s, e, state, payload in segments:
        s, e = max(s, start), min(e, end)
        if s < e:
            # Local time once here, so the intervals come out in it without more conversion.
            events.append((s.astimezone(tz), 1, state, payload))
            events.append((e.astimezone(tz), -1, state, payload))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    return events


def _state_now(active: dict[str, list[object]]) -> tuple[str, object]:
    if not active["open"]:
        return CLOSED, None
    for state in (BLOCKED, TAKEN, REQUESTED):
        if active[state]:
            return state, active[state][0]
    return FREE, None


def _sweep(cal: SpaceCalendar) -> list[Interval]:
    active: dict[str, list[object]] = {"open": [], BLOCKED: [], TAKEN: [], REQUESTED: []}
    out: list[Interval] = []
    tz = timezone.get_current_timezone()
    cursor = cal.starts_at.astimezone(tz)
    for when, delta, state, payload in _events(cal) + [(cal.ends_at.astimezone(tz), 0, "", None)]:
        if when > cursor:
            current, item = _state_now(active)
            _append(out, cursor, when, current, item)
            cursor = when
        if delta == 1:
            active[state].append(payload)
        elif delta == -1:
            held = active[state]
            held.pop(next(i for i, p in enumerate(held) if p is payload))
    return out


def _append(out: list[Interval], s: dt.datetime, e: dt.datetime, state: str, item: object) -> None:
    booking = item if isinstance(item, Booking) else None
    reason = item.reason if isinstance(item, BlockedPeriod) else ""
    if out and out[-1].state == state and out[-1].booking is booking and out[-1].ends_at == s:
        prev = out.pop()
        s = prev.starts_at
    out.append(Interval(starts_at=s, ends_at=e, state=state, booking=booking, reason=reason))


def availability(*, space: Space, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Interval]:
    """Contiguous intervals covering [starts_at, ends_at): free, requested (a request awaits
    approval; others may still ask), taken, blocked or closed. Two queries for any range."""
    if ends_at <= starts_at:
        return []
    return SpaceCalendar.load(space, starts_at, ends_at).intervals()


def confirmed_overlap_exists(*, space: Space, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether a confirmed booking holds part of [starts_at, ends_at): one indexed query."""
    return (
        Booking.objects.filter(space=space, status__in=Booking.CONFIRMED_STATES)
        .overlapping(starts_at, ends_at)
        .exists()
    )


def waitlist_offers_holding(
    *, space: Space, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> list[WaitlistEntry]:
    """Open offers of the waiting list over [starts_at, ends_at): they hold their slot."""
    return list(
        WaitlistEntry.objects.filter(
            space=space,
            state=WaitlistEntry.State.OFFERED,
            offer_expires_at__gt=now,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
    )
