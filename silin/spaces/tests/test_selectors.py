"""Reads of spaces: availability of a range, the directory filters, "My data"."""

from __future__ import annotations

import datetime as dt

import pytest

from silin.core import personal_data as pd
from silin.spaces.models import OpeningException
from silin.spaces.selectors.availability import availability
from silin.spaces.selectors.spaces import SpaceFilters, space_list_for
from silin.spaces.services.bookings import booking_cancel
from silin.spaces.tests.factories import (
    BlockedPeriodFactory,
    BookingFactory,
    SpaceFactory,
    local,
    open_every_day,
)
from silin.spaces.tests.helpers import book

pytestmark = pytest.mark.usefixtures("english")


# --- availability -------------------------------------------------------------------------------


def test_availability_of_a_month_takes_two_queries(cast, room, django_assert_num_queries):
    for day in range(1, 29, 3):
        BookingFactory(space=room, booker=cast.liu, starts_at=local(day, 9), ends_at=local(day, 10))
    BlockedPeriodFactory(space=room, starts_at=local(5, 13), ends_at=local(5, 15), reason="维修")
    OpeningException.objects.create(space=room, date=local(7, 0).date(), reason="holiday")
    with django_assert_num_queries(2):
        intervals = availability(space=room, starts_at=local(1, 0), ends_at=local(31, 0))
    assert sum(i.state == "taken" for i in intervals) == 9  # day 7 is closed: closed wins
    assert [i.reason for i in intervals if i.state == "blocked"] == ["维修"]
    closed_all_day = [i for i in intervals if i.state == "closed" and i.minutes > 24 * 60]
    assert len(closed_all_day) == 1  # 21:00 the day before until 08:00 the day after
    assert all(a.ends_at == b.starts_at for a, b in zip(intervals, intervals[1:], strict=False))
    assert intervals[0].starts_at == local(1, 0) and intervals[-1].ends_at == local(31, 0)


def test_the_directory_filters_open_now_and_free_at_a_time(cast, world, room, clock):
    closed = SpaceFactory(name="夜间关闭", community=world.sanjiang, capacity=5)
    open_every_day(closed, dt.time(8), dt.time(8, 30))
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    free = SpaceFilters(free_from=local(2, 9, 30), free_until=local(2, 10))
    assert list(space_list_for(actor=cast.liu, filters=free)) == []
    later = SpaceFilters(free_from=local(2, 10), free_until=local(2, 11))
    assert list(space_list_for(actor=cast.liu, filters=later)) == [room]
    open_now = SpaceFilters(open_now=True)
    clock.move_to(12)
    assert list(space_list_for(actor=cast.liu, filters=open_now)) == [room]
    clock.move_to(21, 30)
    assert list(space_list_for(actor=cast.liu, filters=open_now)) == []


# --- my data ------------------------------------------------------------------------------------


def test_my_data_lists_my_bookings_and_waiting_list_entries_only(cast, world, room):
    mine = book(cast.liu, room, local(2, 9))
    book(cast.worker, room, local(2, 11))
    booking_cancel(actor=cast.liu, booking=mine)
    sections = {s.key: s for s in pd.collect(pd.Subject(user=cast.liu, resident=world.liu))}
    bookings = sections["spaces.bookings"]
    assert [r.title for r in bookings.records] == ["棋牌室"]
    assert ("Status", "Cancelled") in bookings.records[0].fields
    assert sections["spaces.waitlist"].records == []
    assert "notifications.notices" in sections
