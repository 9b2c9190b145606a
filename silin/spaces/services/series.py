"""Repeating bookings: every date of an RFC 5545 rule booked at once, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.lib import recurrence
from silin.spaces.models import Booking, BookingSeries, Space
from silin.spaces.selectors.availability import SpaceCalendar, waitlist_offers_holding
from silin.spaces.services.bookings import (
    after_create,
    insert_bookings,
    new_booking,
    reject_requests,
)
from silin.spaces.services.common import SpaceError, aware, iso, lock_space, raise_errors, when_text
from silin.spaces.services.policy import (
    Ask,
    Problem,
    Quota,
    auto_approved,
    check_basics,
    resolve,
    slot_problem,
)

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.organizations.models import Organization
    from silin.places.models import Household


@dataclass
class SkippedDate:
    starts_at: dt.datetime
    reason: str  # closed | blocked | taken | held | mine | quota | past | overlap
    message: str


@dataclass
class SeriesResult:
    series: BookingSeries
    bookings: list[Booking]
    skipped: list[SkippedDate] = field(default_factory=list)


def _rule_message(exc: recurrence.RecurrenceError, space: Space) -> str:
    messages = {
        "invalid": _("This repeat rule cannot be read. Example: FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8."),
        "frequency": _("A booking can repeat daily, weekly, monthly or yearly, not more often."),
        "no_end": _(
            "A repeating booking must end: give an end date (UNTIL) or a number of times (COUNT)."
        ),
        "too_many": _("This rule gives more than %(max)d dates. Please end it sooner.")
        % {"max": recurrence.MAX_OCCURRENCES},
        "empty": _("This rule gives no dates at all."),
    }
    if exc.code == "horizon":
        return _(
            "This rule goes beyond how far ahead the space may be booked (%(days)d days): "
            "%(date)s is too late."
        ) % {
            "days": space.book_ahead_days,
            "date": formats.date_format(timezone.localtime(exc.last), "DATE_FORMAT")
            if exc.last
            else "",
        }
    return messages.get(exc.code, messages["invalid"])


def _expand(rrule: str, first: dt.datetime, space: Space, now: dt.datetime) -> list[dt.datetime]:
    try:
        return recurrence.expand(
            rrule,
            first_start=first,
            tz=timezone.get_current_timezone(),
            horizon=now + dt.timedelta(days=space.book_ahead_days),
        )
    except recurrence.RecurrenceError as exc:
        raise SpaceError({"rrule": [_rule_message(exc, space)]}) from exc


def _sort_dates(
    ask: Ask, starts: list[dt.datetime], minutes: int, now: dt.datetime
) -> tuple[list[dt.datetime], list[SkippedDate]]:
    """Split the rule's dates into bookable ones and skipped ones (with the reason)."""
    length = dt.timedelta(minutes=minutes)
    last_end = starts[-1] + length
    cal = SpaceCalendar.load(ask.space, starts[0], last_end, with_overriders=True)
    offers = waitlist_offers_holding(
        space=ask.space, starts_at=starts[0], ends_at=last_end, now=now
    )
    quota = Quota(ask, starts[0], starts[-1])
    good: list[dt.datetime] = []
    skipped: list[SkippedDate] = []
    for s in starts:
        problem: Problem | None
        if s < now:
            problem = Problem("past", "rrule", _("This time has already passed."))
        elif good and good[-1] + length > s:
            problem = Problem("overlap", "rrule", _("It overlaps the previous date of the series."))
        else:
            problem = slot_problem(ask, cal, s, s + length, offers)
            if problem is None and (q := quota.problem(s, minutes)):
                problem = Problem("quota", "rrule", q)
        if problem is not None:
            skipped.append(SkippedDate(s, problem.code, problem.message))
            continue
        quota.add(s, minutes)
        good.append(s)
    return good, skipped


def _skipped_lines(skipped: list[SkippedDate]) -> list[str]:
    return [
        _("%(date)s: %(message)s") % {"date": when_text(s.starts_at), "message": s.message}
        for s in skipped
    ]


@transaction.atomic
def booking_series_create(
    *,
    actor: User,
    space: Space,
    rrule: str,
    first_starts_at: dt.datetime,
    duration_minutes: int,
    purpose: str,
    attendees: int,
    booker: User | None = None,
    household: Household | None = None,
    organization: Organization | None = None,
    skip_clashes: bool = True,
) -> SeriesResult:
    """Book every date of an RFC 5545 rule, all or nothing.

    With `skip_clashes`, dates that are closed, blocked, taken or over quota are left out and
    reported in `skipped`; without it, any such date fails the whole series listing them.
    """
    first = aware(first_starts_at)
    ask = resolve(
        actor=actor,
        space=space,
        booker=booker,
        household=household,
        organization=organization,
        purpose=purpose,
        attendees=attendees,
    )
    now = timezone.now()
    errors = check_basics(ask, int(duration_minutes or 0))
    if first < now:
        errors.setdefault("first_starts_at", []).append(_("This time has already passed."))
    raise_errors(errors)
    starts = _expand(rrule, first, ask.space, now)
    ask.space = lock_space(ask.space)
    good, skipped = _sort_dates(ask, starts, duration_minutes, now)
    if skipped and not skip_clashes:
        raise SpaceError({"rrule": [_("These dates cannot be booked:"), *_skipped_lines(skipped)]})
    if not good:
        raise SpaceError(
            {"rrule": [_("None of the dates can be booked:"), *_skipped_lines(skipped)]}
        )
    return _save_series(ask, rrule, first, duration_minutes, good, skipped)


def _new_series(
    ask: Ask, rrule: str, first: dt.datetime, minutes: int, skipped: list[SkippedDate]
) -> BookingSeries:
    count, until = recurrence.bounds(rrule, first_start=first, tz=timezone.get_current_timezone())
    return BookingSeries.objects.create(
        space=ask.space,
        booker=ask.booker,
        booked_by=ask.booked_by,
        household=ask.household,
        organization=ask.organization,
        purpose=ask.purpose,
        attendees=ask.attendees,
        rrule=rrule.strip()[:500],
        first_starts_at=first,
        duration_minutes=minutes,
        until=until,
        count=count,
        skipped=[{"starts_at": s.starts_at.isoformat(), "reason": s.reason} for s in skipped],
    )


def _save_series(
    ask: Ask,
    rrule: str,
    first: dt.datetime,
    minutes: int,
    good: list[dt.datetime],
    skipped: list[SkippedDate],
) -> SeriesResult:
    series = _new_series(ask, rrule, first, minutes, skipped)
    status = Booking.Status.APPROVED if auto_approved(ask) else Booking.Status.REQUESTED
    length = dt.timedelta(minutes=minutes)
    bookings = insert_bookings([new_booking(ask, s, s + length, status, series) for s in good])
    if status == Booking.Status.APPROVED:
        cal = SpaceCalendar.load(ask.space, good[0], good[-1] + length)
        reason = _("Another booking was confirmed for this time.")
        for b in bookings:
            reject_requests(
                [
                    r
                    for r in cal.requests_overlapping(b.starts_at, b.ends_at)
                    if r.status == Booking.Status.REQUESTED
                ],
                actor=ask.actor,
                reason=reason,
            )
    audit.record(
        actor=ask.actor,
        action="create",
        obj=series,
        changes=audit.diff(
            {},
            {
                "rrule": series.rrule,
                "first_starts_at": iso(first),
                "duration_minutes": minutes,
                "bookings": len(bookings),
                "skipped": [s.starts_at.isoformat() for s in skipped],
                "status": status,
            },
        ),
    )
    after_create(ask, bookings)
    return SeriesResult(series=series, bookings=bookings, skipped=skipped)
