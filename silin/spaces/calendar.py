"""The week calendar's slot grid: a space's availability cut into the slots a person taps.

Pure: it takes the intervals `selectors.availability` computed (free, requested, taken,
blocked, closed) and runs no query. Times are aware; days are local (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

from django.utils import timezone

if TYPE_CHECKING:
    from silin.spaces.models import Space

FREE = "free"
TAKEN = "taken"
BLOCKED = "blocked"
CLOSED = "closed"
PAST = "past"
MINE = "mine"

REQUESTED = "requested"

# Worse states win when a slot straddles several intervals. A request awaiting approval
# does not hold the slot: others may still ask for it, and approving one rejects the rest.
_RANK = {FREE: 0, REQUESTED: 1, TAKEN: 2, BLOCKED: 3, CLOSED: 4}


class Interval(Protocol):
    @property
    def starts_at(self) -> dt.datetime: ...

    @property
    def ends_at(self) -> dt.datetime: ...

    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str

    @property
    def bookable(self) -> bool:
        return self.state in (FREE, REQUESTED)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    # What the week calendar prints for each slot, formatted here: the template filters
    # (`|date`, `|time`, `|urlencode` under `{% with %}`) were most of the space page's CPU.
    @property
    def span(self) -> str:
        """08:00–09:00, local time."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%H:%M}–{end:%H:%M}"

    @property
    def query(self) -> str:
        """starts_at=…&ends_at=… (local ISO times) for the slot's booking or waiting link."""
        return urlencode(
            {
                "starts_at": timezone.localtime(self.starts_at).isoformat(),
                "ends_at": timezone.localtime(self.ends_at).isoformat(),
            }
        )


@dataclass
class Day:
    date: dt.date
    is_today: bool
    slots: list[Slot] = field(default_factory=list)
    is_past: bool = False


def week_start(value: str | None, *, today: dt.date | None = None) -> dt.date:
    """The Monday of the week holding `value` (YYYY-MM-DD), or of this week if bad/missing."""
    today = today or timezone.localdate()
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - dt.timedelta(days=day.weekday())


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=7)


def _state_over(intervals: Sequence[Interval], start: dt.datetime, end: dt.datetime) -> str:
    worst = FREE
    covered = dt.timedelta()
    for interval in intervals:
        lo, hi = max(start, interval.starts_at), min(end, interval.ends_at)
        if lo >= hi:
            continue
        covered += hi - lo
        if _RANK.get(interval.state, 4) > _RANK[worst]:
            worst = interval.state if interval.state in _RANK else CLOSED
    return worst if covered >= end - start else CLOSED


def _open_runs(intervals: Sequence[Interval]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Maximal stretches that are not closed: the opening hours of the day."""
    runs: list[tuple[dt.datetime, dt.datetime]] = []
    for interval in sorted(intervals, key=lambda i: i.starts_at):
        if interval.state == CLOSED:
            continue
        if runs and runs[-1][1] >= interval.starts_at:
            runs[-1] = (runs[-1][0], max(runs[-1][1], interval.ends_at))
        else:
            runs.append((interval.starts_at, interval.ends_at))
    return runs


def day_slots(
    intervals: Sequence[Interval],
    *,
    slot_minutes: int,
    now: dt.datetime,
    mine: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    min_minutes: int | None = None,
) -> list[Slot]:
    """Cuts one day's open hours into bookable slots of `slot_minutes`, each with a state.

    What is left at the end of an opening window (open until 21:30 with hour slots) is one
    shorter slot, if it is at least `min_minutes` long (the space's shortest booking).
    """
    step = dt.timedelta(minutes=slot_minutes)
    shortest = dt.timedelta(minutes=min_minutes or slot_minutes)
    mine = list(mine)
    slots = []
    for run_start, run_end in _open_runs(intervals):
        start = run_start
        while start < run_end:
            end = min(start + step, run_end)
            if end - start < min(step, shortest):
                break
            state = _state_over(intervals, start, end)
            if any(s < end and start < e for s, e in mine):
                state = MINE
            elif start < now and state in (FREE, REQUESTED, TAKEN):
                state = PAST
            slots.append(Slot(start, end, state))
            start = end
    return slots


def week_days(
    intervals: Iterable[Interval],
    *,
    monday: dt.date,
    slot_minutes: int,
    now: dt.datetime | None = None,
    mine: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    min_minutes: int | None = None,
) -> list[Day]:
    """Seven days from `monday`, each with its slots still to come, from one list of intervals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_date: dict[dt.date, list[Interval]] = {}
    for interval in intervals:
        day = timezone.localtime(interval.starts_at).date()
        by_date.setdefault(day, []).append(interval)
    mine = list(mine)
    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        day_intervals = by_date.get(date, [])
        slots = day_slots(
            day_intervals, slot_minutes=slot_minutes, now=now, mine=mine, min_minutes=min_minutes
        )
        # Hours gone by are noise on a small screen; one's own bookings stay in view.
        slots = [s for s in slots if s.state != PAST]
        days.append(Day(date=date, is_today=date == today, slots=slots, is_past=date < today))
    return days


def picked_day(days: Sequence[Day], *, prefer: dt.date | None = None) -> int:
    """The day a phone shows first: `prefer` if it is in the week (the day just booked, or
    asked for in the address), else the first from today on with a slot left, else today."""
    if prefer is not None:
        for i, day in enumerate(days):
            if day.date == prefer:
                return i
    upcoming = [i for i, day in enumerate(days) if not day.is_past and day.slots]
    if upcoming:
        return upcoming[0]
    return next((i for i, day in enumerate(days) if day.is_today), 0)


def my_ranges(intervals: Iterable[Any], *, actor: Any) -> list[tuple[dt.datetime, dt.datetime]]:
    """The actor's own bookings among the availability intervals (no extra query)."""
    pk = getattr(actor, "pk", None)
    return [
        (i.starts_at, i.ends_at)
        for i in intervals
        if getattr(i, "booking", None) is not None and i.booking.booker_id == pk
    ]


def slot_minutes_for(space: Space) -> int:
    """Hour slots where the policy allows them; otherwise the shortest booking."""
    if space.min_booking_minutes <= 60 <= space.max_booking_minutes:
        return 60
    return space.min_booking_minutes


def parse_local(value: str | None) -> dt.datetime | None:
    """An aware local datetime from an ISO string (a form field or a slot link), or None."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return timezone.localtime(parsed)
