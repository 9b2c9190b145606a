"""The week calendar's slotting: open hours cut into slots, each with the worst state it meets."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from silin.spaces import calendar as grid

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 30)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=TZ)


def iv(start, end, state):
    return SimpleNamespace(starts_at=start, ends_at=end, state=state)


def test_open_hours_are_cut_into_hour_slots_and_taken_time_marks_its_slot():
    intervals = [
        iv(at(0, 0), at(0, 9), "closed"),
        iv(at(0, 9), at(0, 10), "free"),
        iv(at(0, 10), at(0, 10, 30), "taken"),
        iv(at(0, 10, 30), at(0, 12), "free"),
        iv(at(0, 12), at(1, 0), "closed"),
    ]
    days = grid.week_days(intervals, monday=MONDAY, slot_minutes=60, now=at(-7, 8))
    slots = days[0].slots
    states = [(s.starts_at.hour, s.state) for s in slots]
    assert states == [(9, "free"), (10, "taken"), (11, "free")]
    assert all(not d.slots for d in days[1:])


def test_a_blocked_period_outranks_a_booking_and_past_slots_are_not_bookable():
    intervals = [
        iv(at(0, 9), at(0, 10), "free"),
        iv(at(0, 10), at(0, 11), "blocked"),
        iv(at(0, 10, 30), at(0, 11), "taken"),
    ]
    slots = grid.day_slots(intervals, slot_minutes=60, now=at(0, 9, 30))
    assert [s.state for s in slots] == ["past", "blocked"]
    assert not any(s.bookable for s in slots)


def test_my_own_booking_is_shown_as_mine():
    intervals = [iv(at(0, 9), at(0, 11), "free"), iv(at(0, 11), at(0, 12), "taken")]
    slots = grid.day_slots(intervals, slot_minutes=60, now=at(-1, 0), mine=[(at(0, 11), at(0, 12))])
    assert [s.state for s in slots] == ["free", "free", "mine"]


def test_a_slot_that_does_not_fit_before_closing_is_left_out():
    slots = grid.day_slots([iv(at(0, 9), at(0, 10, 30), "free")], slot_minutes=60, now=at(-1, 0))
    assert [(s.starts_at.hour, s.minutes) for s in slots] == [(9, 60)]


def test_week_start_is_the_monday_and_bad_input_falls_back_to_this_week():
    assert grid.week_start("2026-12-03") == MONDAY
    assert grid.week_start("not-a-date", today=dt.date(2026, 12, 6)) == MONDAY
    assert grid.week_start(None, today=MONDAY) == MONDAY


def test_parse_local_makes_naive_input_local_and_rejects_garbage():
    parsed = grid.parse_local("2026-11-30T09:00")
    assert parsed is not None and parsed.utcoffset() == dt.timedelta(hours=8)
    assert grid.parse_local("tomorrow") is None


def test_a_phone_first_shows_the_first_day_with_slots_left_from_today_on():
    days = [grid.Day(date=MONDAY + dt.timedelta(days=i), is_today=i == 2) for i in range(7)]
    for day in days[:2]:
        day.is_past = True
        day.slots = [grid.Slot(at(0, 9), at(0, 10), "mine")]
    assert grid.picked_day(days) == 2  # today, though its hours are gone: nothing later either
    days[4].slots = [grid.Slot(at(4, 9), at(4, 10), "free")]
    assert grid.picked_day(days) == 4
    days[2].slots = [grid.Slot(at(2, 20), at(2, 21), "free")]
    assert grid.picked_day(days) == 2


def test_the_half_hour_before_closing_is_offered_when_the_shortest_booking_allows_it():
    """Open until 21:30 with hour slots: the last slot is 21:00–21:30 (issue 9, item 14)."""
    intervals = [iv(at(0, 19), at(0, 21, 30), "free")]
    slots = grid.day_slots(intervals, slot_minutes=60, now=at(-1, 0), min_minutes=30)
    assert [(s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M")) for s in slots] == [
        ("19:00", "20:00"),
        ("20:00", "21:00"),
        ("21:00", "21:30"),
    ]
    assert slots[-1].bookable and slots[-1].minutes == 30
    # A space whose shortest booking is an hour offers no half hour.
    slots = grid.day_slots(intervals, slot_minutes=60, now=at(-1, 0), min_minutes=60)
    assert slots[-1].ends_at.strftime("%H:%M") == "21:00"


def test_the_day_just_booked_is_the_one_a_phone_shows_after_booking():
    days = [grid.Day(date=MONDAY + dt.timedelta(days=i), is_today=i == 0) for i in range(7)]
    for i, day in enumerate(days):
        day.slots = [grid.Slot(at(i, 9), at(i, 10), "free")]
    assert grid.picked_day(days) == 0
    assert grid.picked_day(days, prefer=MONDAY + dt.timedelta(days=4)) == 4
    assert grid.picked_day(days, prefer=MONDAY + dt.timedelta(days=9)) == 0  # another week
