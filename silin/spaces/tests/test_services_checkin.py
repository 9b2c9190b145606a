"""Checking in (services.checkin): the door code, staff on behalf, and releasing no-shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from silin.accounts.tests.factories import UserFactory, assign
from silin.core.roles import Role
from silin.spaces.models import Booking, WaitlistEntry
from silin.spaces.services.checkin import (
    booking_check_in,
    booking_check_in_at_door,
    booking_release_no_show,
    booking_release_task,
)
from silin.spaces.services.common import SpaceError
from silin.spaces.tests.factories import BookingFactory
from silin.spaces.tests.helpers import errors_of

pytestmark = pytest.mark.usefixtures("english")


def _due(room, booker, minutes_from_now, length=60):
    start = timezone.now() + dt.timedelta(minutes=minutes_from_now)
    return BookingFactory(
        space=room, booker=booker, starts_at=start, ends_at=start + dt.timedelta(minutes=length)
    )


def test_check_in_at_the_door_within_the_window(cast, room):
    booking = _due(room, cast.liu, 10)
    checked = booking_check_in_at_door(actor=cast.liu, door_token=room.door_token)
    assert checked.pk == booking.pk and checked.status == Booking.Status.CHECKED_IN
    assert checked.checked_in_by == cast.liu


def test_check_in_too_early_too_late_or_without_the_door_code_is_refused(cast, room):
    early = _due(room, cast.liu, 60)
    with pytest.raises(SpaceError) as excinfo:
        booking_check_in(actor=cast.liu, booking=early, door_token=room.door_token)
    assert "Check-in opens 15 minutes before" in excinfo.value.messages[0]
    late = _due(room, cast.liu, -20, length=15)  # grace 15 minutes
    with pytest.raises(SpaceError) as excinfo:
        booking_check_in(actor=cast.liu, booking=late, door_token=room.door_token)
    assert "Check-in closed" in excinfo.value.messages[0]
    now = _due(room, cast.liu, 150)
    Booking.objects.filter(pk=now.pk).update(
        starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(minutes=30)
    )
    now.refresh_from_db()
    with pytest.raises(SpaceError) as excinfo:
        booking_check_in(actor=cast.liu, booking=now, door_token="wrong")
    assert "door_token" in errors_of(excinfo)


def test_staff_check_in_on_behalf_without_a_code(cast, room):
    booking = _due(room, cast.liu, -20, length=25)
    booking_check_in(actor=cast.worker, booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN and booking.checked_in_by == cast.worker
    with pytest.raises(PermissionDenied):
        booking_check_in(actor=cast.volunteer, booking=_due(room, cast.liu, 5))


def test_door_check_in_with_nothing_due_says_so(cast, room):
    _due(room, cast.liu, 180)
    with pytest.raises(SpaceError) as excinfo:
        booking_check_in_at_door(actor=cast.liu, door_token=room.door_token)
    assert "Your next booking here starts" in excinfo.value.messages[0]


def test_a_no_show_is_released_after_the_grace_period_and_offered(cast, world, room):
    booking = _due(room, cast.liu, -20)
    waiting = UserFactory()
    assign(waiting, Role.RESIDENT, world.eton)
    entry = WaitlistEntry.objects.create(
        space=room,
        user=waiting,
        starts_at=booking.starts_at + dt.timedelta(minutes=30),
        ends_at=booking.ends_at,
        purpose="下棋",
        attendees=2,
    )
    released = booking_release_no_show(booking_id=booking.pk)
    assert released is not None and released.status == Booking.Status.NO_SHOW
    # The task stores a code; each reader reads it in their own language.
    assert released.decision_reason == "" and released.decision_code == "not_checked_in"
    with translation.override("en"):
        assert released.reason_text == "Not checked in within the grace period."
    with translation.override("zh-hans"):
        assert released.reason_text == "超过宽限时间未签到。"
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED
    assert booking_release_no_show(booking_id=booking.pk) is None  # stale: done


def test_a_checked_in_or_not_yet_late_booking_is_not_released(cast, room):
    on_time = _due(room, cast.liu, -5)
    assert booking_release_no_show(booking_id=on_time.pk) is None
    booking_check_in(actor=cast.worker, booking=on_time)
    Booking.objects.filter(pk=on_time.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    assert booking_release_no_show(booking_id=on_time.pk) is None
    on_time.refresh_from_db()
    assert on_time.status == Booking.Status.CHECKED_IN


# --- the release task ---------------------------------------------------------------------------


def test_the_release_task_releases_a_no_show_once(cast, room):
    start = timezone.now() - dt.timedelta(minutes=20)
    booking = BookingFactory(
        space=room, booker=cast.liu, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    assert booking_release_task.call(booking.pk) is True
    assert booking_release_task.call(booking.pk) is False
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_the_release_task_leaves_a_booking_still_in_its_grace_period(cast, room):
    booking = _due(room, cast.liu, -5)
    assert booking_release_task.call(booking.pk) is False
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
