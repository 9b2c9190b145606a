from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from silin.spaces.models import Booking, OpeningHours
from silin.spaces.tests.factories import BookingFactory, SpaceFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2030, 6, 3, 9, 0, tzinfo=dt.UTC)


def test_a_booking_must_end_after_it_starts():
    space = SpaceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(space=space, starts_at=T0, ends_at=T0)


def test_opening_hours_must_close_after_they_open():
    space = SpaceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(space=space, weekday=0, opens=dt.time(10), closes=dt.time(9))


def test_each_space_has_its_own_door_and_feed_tokens():
    a, b = SpaceFactory(), SpaceFactory()
    assert len({a.door_token, a.feed_token, b.door_token, b.feed_token}) == 4
    assert len(a.door_token) >= 32


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="exclusion constraints exist on PostgreSQL only; SQLite relies on its single writer",
)
class TestExclusionConstraint:
    def test_two_confirmed_bookings_of_one_space_cannot_overlap(self):
        space = SpaceFactory()
        BookingFactory(space=space, starts_at=T0, ends_at=T0 + dt.timedelta(hours=2))
        with pytest.raises(IntegrityError), transaction.atomic():
            BookingFactory(
                space=space,
                starts_at=T0 + dt.timedelta(hours=1),
                ends_at=T0 + dt.timedelta(hours=3),
                status=Booking.Status.CHECKED_IN,
            )

    def test_back_to_back_bookings_do_not_overlap(self):
        space = SpaceFactory()
        BookingFactory(space=space, starts_at=T0, ends_at=T0 + dt.timedelta(hours=1))
        BookingFactory(
            space=space, starts_at=T0 + dt.timedelta(hours=1), ends_at=T0 + dt.timedelta(hours=2)
        )
        assert Booking.objects.count() == 2

    def test_cancelled_and_requested_bookings_do_not_hold_the_slot(self):
        space = SpaceFactory()
        BookingFactory(space=space, starts_at=T0, status=Booking.Status.CANCELLED)
        BookingFactory(space=space, starts_at=T0, status=Booking.Status.REQUESTED)
        BookingFactory(space=space, starts_at=T0, status=Booking.Status.REQUESTED)
        BookingFactory(space=space, starts_at=T0)
        assert Booking.objects.count() == 4

    def test_other_spaces_are_not_affected(self):
        BookingFactory(starts_at=T0)
        BookingFactory(starts_at=T0)
        assert Booking.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("street_admin", 2),
        ("worker", 2),
        ("grid_member", 2),
        ("other_worker", 0),
        ("liu", 1),  # only his own, although he is a resident of the compound
        ("volunteer", 0),
        ("outsider", 0),
    ],
)
def test_bookings_visible_to_staff_in_scope_and_to_their_booker_only(cast, world, who, sees):
    space = SpaceFactory(community=world.sanjiang, compound=world.tuoyuan)
    BookingFactory(space=space, booker=cast.liu, starts_at=T0, ends_at=T0 + dt.timedelta(hours=1))
    BookingFactory(
        space=space,
        booker=cast.worker,
        starts_at=T0 + dt.timedelta(hours=1),
        ends_at=T0 + dt.timedelta(hours=2),
    )
    assert Booking.objects.visible_to(getattr(cast, who)).count() == sees
