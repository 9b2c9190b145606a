"""Reminders and releases (services.reminders): queued with run_after, harmless when stale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from silin.accounts import sms
from silin.notifications.models import Notification
from silin.spaces.models import Booking
from silin.spaces.services.bookings import booking_create
from silin.spaces.services.reminders import booking_reminder_task, schedule_booking_tasks
from silin.spaces.tests.factories import BookingFactory, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


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
        booking = booking_create(
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
        booking = booking_create(
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
    assert notice.kind == "booking_reminder_hour" and notice.params["space"] == "棋牌室"
    # The task ran in English; the SMS is rendered in the booker's language.
    mobile, text = sms.outbox[-1]
    assert mobile == cast.liu.mobile and text.startswith("一小时后：您的预约 棋牌室")


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
