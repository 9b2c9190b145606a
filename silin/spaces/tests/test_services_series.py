"""Repeating bookings (services.series) and the recurrence rules they expand (lib.recurrence)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from silin.spaces.models import Booking, BookingSeries, OpeningException
from silin.spaces.services.common import SpaceError
from silin.spaces.services.series import booking_series_create
from silin.spaces.tests.factories import BookingFactory
from silin.spaces.tests.helpers import errors_of

pytestmark = pytest.mark.usefixtures("english")


def _monday_in(weeks: int = 1) -> dt.datetime:
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 * weeks - today.weekday())
    return dt.datetime.combine(monday, dt.time(9), tzinfo=timezone.get_current_timezone())


def series(actor, space, rule, **kw):
    kw.setdefault("first_starts_at", _monday_in())
    kw.setdefault("duration_minutes", 120)
    kw.setdefault("purpose", "刘大爷下棋")
    kw.setdefault("attendees", 4)
    return booking_series_create(actor=actor, space=space, rrule=rule, **kw)


def test_weekday_chess_is_booked_as_a_series(cast, room):
    result = series(cast.liu, room, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10")
    assert len(result.bookings) == 10 and not result.skipped
    starts = [timezone.localtime(b.starts_at) for b in result.bookings]
    assert {s.weekday() for s in starts} == {0, 1, 2, 3, 4}
    assert all(s.hour == 9 for s in starts)
    assert Booking.objects.filter(series=result.series).count() == 10


def test_a_series_skips_clashing_dates_and_reports_them(cast, room):
    first = _monday_in()
    BookingFactory(
        space=room,
        starts_at=first + dt.timedelta(days=1),
        ends_at=first + dt.timedelta(days=1, hours=1),
    )
    OpeningException.objects.create(
        space=room, date=(first + dt.timedelta(days=2)).date(), reason="holiday"
    )
    result = series(cast.liu, room, "FREQ=DAILY;COUNT=5", first_starts_at=first)
    assert [s.reason for s in result.skipped] == ["taken", "closed"]
    assert len(result.bookings) == 3
    assert [s["reason"] for s in result.series.skipped] == ["taken", "closed"]


def test_a_series_without_skipping_fails_whole_listing_the_clashes(cast, room):
    first = _monday_in()
    BookingFactory(
        space=room,
        starts_at=first + dt.timedelta(days=1),
        ends_at=first + dt.timedelta(days=1, hours=1),
    )
    with pytest.raises(SpaceError) as excinfo:
        series(cast.liu, room, "FREQ=DAILY;COUNT=5", first_starts_at=first, skip_clashes=False)
    messages = errors_of(excinfo)["rrule"]
    assert messages[0] == "These dates cannot be booked:" and len(messages) == 2
    assert not BookingSeries.objects.exists() and Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=DAILY", "must end"),
        ("FREQ=DAILY;COUNT=5000", "more than 366 dates"),
        ("FREQ=WEEKLY;COUNT=20", "beyond how far ahead"),
        ("FREQ=DAILY;UNTIL=20991231", "more than 366 dates"),
        ("FREQ=MINUTELY;COUNT=5", "not more often"),
        ("EVERY DAY", "cannot be read"),
        ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", "no dates"),
    ],
)
def test_a_rule_that_never_ends_or_gives_too_many_dates_is_refused_and_nothing_saved(
    cast, room, rule, words
):
    with pytest.raises(SpaceError) as excinfo:
        series(cast.liu, room, rule)
    assert words in errors_of(excinfo)["rrule"][0]
    assert not BookingSeries.objects.exists() and not Booking.objects.exists()


def test_a_series_respects_the_weekly_quota(cast, room):
    room.weekly_quota_household_minutes = 240
    room.save()
    result = series(cast.liu, room, "FREQ=DAILY;COUNT=4")
    assert len(result.bookings) == 2 and [s.reason for s in result.skipped] == ["quota", "quota"]


# --- recurrence (silin.lib.recurrence) ----------------------------------------------------------


def test_first_saturday_of_each_month_keeps_its_local_time():
    from zoneinfo import ZoneInfo

    from silin.lib import recurrence

    tz = ZoneInfo("Asia/Shanghai")
    first = dt.datetime(2030, 1, 1, 14, 30, tzinfo=tz)
    starts = recurrence.expand("RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=3", first_start=first, tz=tz)
    assert [(s.month, s.day, s.hour, s.minute) for s in starts] == [
        (1, 5, 14, 30),
        (2, 2, 14, 30),
        (3, 2, 14, 30),
    ]


def test_an_until_in_utc_is_read_in_local_time():
    from zoneinfo import ZoneInfo

    from silin.lib import recurrence

    tz = ZoneInfo("Asia/Shanghai")
    first = dt.datetime(2030, 1, 1, 9, tzinfo=tz)
    # 02:00 UTC on the 3rd is 10:00 in Shanghai: the 3rd at 09:00 is still included.
    starts = recurrence.expand("FREQ=DAILY;UNTIL=20300103T020000Z", first_start=first, tz=tz)
    assert [s.day for s in starts] == [1, 2, 3]
    count, until = recurrence.bounds("FREQ=DAILY;UNTIL=20300103", first_start=first, tz=tz)
    assert count is None and until == dt.datetime(2030, 1, 3, 23, 59, 59, tzinfo=tz)
