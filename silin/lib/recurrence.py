"""Expanding RFC 5545 recurrence rules (python-dateutil) into a bounded list of starts.

A rule is one RRULE line ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=20", an "RRULE:" prefix
is allowed). Rules are read in local wall-clock time so that "every weekday 9:00" stays at
9:00; the first start gives the time of day. A rule must end (COUNT or UNTIL), must yield at
least one date and at most `limit` dates, and, when a horizon is given, must not go beyond it.
Iteration is always bounded, so a rule that can never match (30 February) costs little.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import parser, rrule

MAX_OCCURRENCES = 366
# How far a rule is followed when looking for its dates; a booking rule needs far less.
_PROBE_YEARS = 10
_FREQS = {rrule.YEARLY, rrule.MONTHLY, rrule.WEEKLY, rrule.DAILY}
# Parts a booking rule may use. dateutil walks to the year 9999 looking for a date a rule can
# never give (30 February), so rules are limited to parts whose emptiness is cheap to see.
_KEYS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass
class RecurrenceError(ValueError):
    """Why a rule was refused. `code`: invalid, frequency, no_end, too_many, empty, horizon."""

    code: str
    last: dt.datetime | None = None  # for "horizon": the first date beyond it

    def __str__(self) -> str:
        return self.code


def _parse(text: str, local_start: dt.datetime, tz: ZoneInfo) -> rrule.rrule:
    line = (text or "").strip()
    if line.upper().startswith("RRULE:"):
        line = line[6:]
    if not line or "\n" in line or ":" in line:
        raise RecurrenceError("invalid")
    parts: dict[str, str] = {}
    for part in line.split(";"):
        key, sep, value = part.partition("=")
        key, value = key.strip().upper(), value.strip()
        if not sep or key not in _KEYS or key in parts:
            raise RecurrenceError("invalid")
        parts[key] = _local_until(value, tz) if key == "UNTIL" else value
    _check_satisfiable(parts)
    try:
        rule = rrule.rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=local_start)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RecurrenceError("invalid") from exc
    if not isinstance(rule, rrule.rrule):
        raise RecurrenceError("invalid")
    return rule


def _check_satisfiable(parts: dict[str, str]) -> None:
    """Refuse the part combinations that may never yield a date (see `_KEYS`)."""
    if "BYSETPOS" in parts and parts.get("FREQ", "").upper() not in {"MONTHLY", "YEARLY"}:
        raise RecurrenceError("invalid")
    if "BYMONTH" in parts and "BYMONTHDAY" in parts:
        try:
            months = [int(m) for m in parts["BYMONTH"].split(",")]
            days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
        except ValueError as exc:
            raise RecurrenceError("invalid") from exc
        if not any(
            1 <= m <= 12 and 1 <= abs(d) <= _DAYS_IN_MONTH[m - 1] for m in months for d in days
        ):
            raise RecurrenceError("empty")


def _local_until(value: str, tz: ZoneInfo) -> str:
    """UNTIL as naive local time (dateutil wants it naive when DTSTART is naive)."""
    try:
        until = parser.isoparse(value)
    except ValueError as exc:
        raise RecurrenceError("invalid") from exc
    if len(value) == 8:  # a date: the whole of that day counts
        until = until.replace(hour=23, minute=59, second=59)
    if until.tzinfo is not None:
        until = until.astimezone(tz).replace(tzinfo=None)
    return until.strftime("%Y%m%dT%H%M%S")


def expand(
    text: str,
    *,
    first_start: dt.datetime,
    tz: ZoneInfo,
    horizon: dt.datetime | None = None,
    limit: int = MAX_OCCURRENCES,
) -> list[dt.datetime]:
    """The aware start times `text` yields from `first_start`, or RecurrenceError."""
    local_start = first_start.astimezone(tz).replace(tzinfo=None)
    rule = _parse(text, local_start, tz)
    # dateutil keeps the parsed parts private; these names have been stable since 2.x.
    count, until, freq = rule._count, rule._until, rule._freq  # noqa: SLF001
    if freq not in _FREQS:
        raise RecurrenceError("frequency")
    if count is None and until is None:
        raise RecurrenceError("no_end")
    if count is not None and count > limit:
        raise RecurrenceError("too_many")
    probe_end = local_start + dt.timedelta(days=366 * _PROBE_YEARS)
    bounded = rule.replace(count=None, until=min(until or probe_end, probe_end))
    starts = list(islice(bounded, limit + 1))
    if count is not None:
        starts = starts[:count]
    if len(starts) > limit:
        raise RecurrenceError("too_many")
    if not starts:
        raise RecurrenceError("empty")
    aware = [s.replace(tzinfo=tz) for s in starts]
    if count is not None and len(starts) < count:
        raise RecurrenceError("horizon", last=aware[-1])
    if horizon is not None:
        beyond = next((s for s in aware if s > horizon), None)
        if beyond is not None:
            raise RecurrenceError("horizon", last=beyond)
    return aware


def bounds(
    text: str, *, first_start: dt.datetime, tz: ZoneInfo
) -> tuple[int | None, dt.datetime | None]:
    """The rule's COUNT and its UNTIL (aware, local) as parsed; RecurrenceError if unreadable."""
    local_start = first_start.astimezone(tz).replace(tzinfo=None)
    rule = _parse(text, local_start, tz)
    until = rule._until  # noqa: SLF001 - see expand()
    return rule._count, until.replace(tzinfo=tz) if until else None  # noqa: SLF001
