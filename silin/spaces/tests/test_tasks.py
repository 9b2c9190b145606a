"""Reminders and releases: enqueued for later with run_after, and harmless when stale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from silin.accounts import sms
from silin.notifications.models import Notification
from silin.spaces import services
from silin.spaces.models import Booking
from silin.spaces.tasks import (
    booking_release_task,
    booking_reminder_task,
    schedule_booking_tasks,
    waitlist_offer_expire_task,
)
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, local, open_every_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(world):
    return open_every_day(
        SpaceFactory(name="棋牌室", community=world.sanjiang, compound=world.tuoyuan, capacity=8)
    )


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _starting_in(room, user, minutes, **kw):
    start = timezone.now() + dt.timedelta(minutes=minutes)
    return BookingFactory(
        space=room, booker=user, starts_at=start, ends_at=start + dt.timedelta(hours=1), **kw
    )


@pytest.mark.usefixtures("database_tasks")
def test_a_confirmed_booking_gets_two_reminders_and_a_release_queued_for_later(
    cast, room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            actor=cast.liu,
            space=room,
            starts_at=local(3, 9),
            ends_at=local(3, 10),
            purpose="下棋",
            attendees=2,
        )
    queued = {(r.task_path.rsplit(".", 1)[-1], r.run_after) for r in DBTaskResult.objects.all()}
    start = booking.starts_at
    assert queued == {
        ("booking_reminder_task", start - dt.timedelta(days=1)),
        ("booking_reminder_task", start - dt.timedelta(hours=1)),
        ("booking_release_task", start + dt.timedelta(minutes=room.check_in_grace_minutes)),
    }


@pytest.mark.usefixtures("database_tasks")
def test_a_request_awaiting_approval_gets_no_reminders(
    cast, room, django_capture_on_commit_callbacks
):
    room.approval_required = True
    room.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            actor=cast.liu,
            space=room,
            starts_at=local(3, 9),
            ends_at=local(3, 10),
            purpose="下棋",
            attendees=2,
        )
    assert booking.status == Booking.Status.REQUESTED
    assert not DBTaskResult.objects.exists()


def test_reminders_need_no_scheduler_under_the_immediate_backend(cast, room):
    # The test settings run tasks immediately; such a backend cannot defer, so nothing runs
    # early (a reminder now would be wrong) and nothing fails.
    booking = _starting_in(room, cast.liu, 3 * 60)
    schedule_booking_tasks([booking.pk])
    assert not Notification.objects.exists()


def test_the_hour_reminder_reaches_the_booker_in_their_language_and_by_sms(
    cast, room, django_capture_on_commit_callbacks
):
    cast.liu.language = "zh-hans"
    cast.liu.save()
    booking = _starting_in(room, cast.liu, 55)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert booking_reminder_task.call(booking.pk, "hour") is True
    notice = Notification.objects.get(recipient=cast.liu)
    assert notice.kind == "booking_reminder_hour" and "棋牌室" in notice.body
    assert notice.title != "In one hour: your booking"  # composed in Chinese
    assert sms.outbox and sms.outbox[-1][0] == cast.liu.mobile


@pytest.mark.parametrize(
    ("minutes", "status"),
    [
        (55, Booking.Status.CANCELLED),  # cancelled since
        (55, Booking.Status.CHECKED_IN),  # already there
        (5 * 60, Booking.Status.APPROVED),  # moved later: the task ran far too early
        (-5, Booking.Status.APPROVED),  # already started
    ],
)
def test_a_stale_reminder_does_nothing(cast, room, minutes, status):
    booking = _starting_in(room, cast.liu, minutes, status=status)
    assert booking_reminder_task.call(booking.pk, "hour") is False
    assert not Notification.objects.exists()


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
    booking = _starting_in(room, cast.liu, -5)
    assert booking_release_task.call(booking.pk) is False
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED


def test_an_offer_expiry_task_for_a_claimed_entry_does_nothing(cast, world, room):
    from silin.spaces.models import WaitlistEntry

    entry = WaitlistEntry.objects.create(
        space=room,
        user=cast.liu,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="x",
        attendees=1,
        state=WaitlistEntry.State.CLAIMED,
    )
    assert waitlist_offer_expire_task.call(entry.pk) is False
