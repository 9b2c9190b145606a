"""Reminders the day before and two hours before: queued with run_after when a place is
confirmed, and each task re-checks the sign-up and the event when it runs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from silin.accounts import sms
from silin.accounts.tests.factories import UserFactory, assign
from silin.activities.models import Event, SignUp
from silin.activities.services import events, reminders, signups
from silin.activities.services.reminders import signup_remind
from silin.activities.tests.factories import make_event
from silin.core.roles import Role
from silin.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued() -> set[tuple[str, dt.datetime, tuple]]:
    return {
        (r.task_path.rsplit(".", 1)[-1], r.run_after, tuple(r.args_kwargs["args"]))
        for r in DBTaskResult.objects.all()
    }


@pytest.mark.usefixtures("database_tasks")
def test_a_confirmed_sign_up_queues_the_day_before_and_two_hours_before(
    cast, world, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker)
    DBTaskResult.objects.all().delete()  # the event's own running/done tasks
    with django_capture_on_commit_callbacks(execute=True):
        signup = signups.signup_create(actor=cast.liu, event=event)
    start = event.starts_at
    iso = start.astimezone(dt.UTC).isoformat()
    got = {(name, when, args) for name, when, args in _queued()}
    assert got == {
        ("signup_reminder_task", start - dt.timedelta(days=1), (signup.pk, "day", iso)),
        ("signup_reminder_task", start - dt.timedelta(hours=2), (signup.pk, "soon", iso)),
    }


@pytest.mark.usefixtures("database_tasks")
def test_a_waiting_sign_up_gets_no_reminder_until_it_accepts_a_place(
    cast, world, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker, capacity=1)
    first = UserFactory(name="甲")
    assign(first, Role.RESIDENT, world.tuoyuan)
    with django_capture_on_commit_callbacks(execute=True):
        held = signups.signup_create(actor=first, event=event)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        waiting = signups.signup_create(actor=cast.liu, event=event)
    assert waiting.state == SignUp.State.WAITING
    assert not DBTaskResult.objects.filter(task_path__endswith="signup_reminder_task").exists()
    with django_capture_on_commit_callbacks(execute=True):
        signups.signup_cancel(actor=first, signup=held)
    DBTaskResult.objects.all().delete()  # the offer's lapse task
    with django_capture_on_commit_callbacks(execute=True):
        signups.signup_accept_offer(actor=cast.liu, signup=waiting)
    kinds = sorted(args[1] for name, _when, args in _queued() if name == "signup_reminder_task")
    assert kinds == ["day", "soon"]


def _at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def test_the_reminder_reaches_the_person_with_a_notice_and_an_sms(
    cast, world, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker)
    signup = signups.signup_create(actor=cast.liu, event=event)
    with (
        _at(event.starts_at - dt.timedelta(hours=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert signup_remind(
            signup_id=signup.pk, kind="soon", starts_at=event.starts_at.isoformat()
        )
    notice = Notification.objects.get(recipient=cast.liu, kind="activity_reminder")
    assert notice.params["soon"] is True
    assert notice.params["where"] == "沱源小区中庭"
    assert [m for m, _t in sms.outbox] == [cast.liu.mobile]
    with translation.override("en"):
        assert notice.rendered.title == "Your activity starts at 15:00"
        assert "沱源小区中庭" in notice.rendered.body
    with translation.override("zh-hans"):
        assert "15:00" in notice.rendered.title


def test_the_day_before_reminder_says_tomorrow(cast, world):
    event = make_event(world, cast.worker)
    signup = signups.signup_create(actor=cast.liu, event=event)
    with _at(event.starts_at - dt.timedelta(days=1)):
        assert signup_remind(signup_id=signup.pk, kind="day", starts_at=event.starts_at.isoformat())
    notice = Notification.objects.get(recipient=cast.liu, kind="activity_reminder")
    with translation.override("en"):
        assert notice.rendered.title == "Your activity is tomorrow"


def test_a_cancelled_sign_up_gets_nothing(cast, world):
    event = make_event(world, cast.worker)
    signup = signups.signup_create(actor=cast.liu, event=event)
    signups.signup_cancel(actor=cast.liu, signup=signup)
    with _at(event.starts_at - dt.timedelta(hours=2)):
        assert not signup_remind(
            signup_id=signup.pk, kind="soon", starts_at=event.starts_at.isoformat()
        )
    assert not Notification.objects.filter(kind="activity_reminder").exists()


def test_a_cancelled_event_gets_nothing(cast, world):
    event = make_event(world, cast.worker)
    signup = signups.signup_create(actor=cast.liu, event=event)
    events.event_cancel(actor=cast.worker, event=event, reason="下雨")
    with _at(event.starts_at - dt.timedelta(days=1)):
        assert not signup_remind(
            signup_id=signup.pk, kind="day", starts_at=event.starts_at.isoformat()
        )
    assert not Notification.objects.filter(kind="activity_reminder").exists()


def test_a_moved_event_ignores_the_old_reminders_and_gets_new_ones(
    cast, world, settings, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker)
    signup = signups.signup_create(actor=cast.liu, event=event)
    old_start = event.starts_at
    later = old_start + dt.timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=later, ends_at=later + dt.timedelta(hours=2))
    with _at(old_start - dt.timedelta(hours=2)):
        assert not signup_remind(signup_id=signup.pk, kind="soon", starts_at=old_start.isoformat())
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert reminders.schedule_event_reminders(event.pk) == 2
    whens = sorted(w for name, w, _a in _queued() if name == "signup_reminder_task")
    assert whens == [later - dt.timedelta(days=1), later - dt.timedelta(hours=2)]
    with _at(later - dt.timedelta(hours=2)):
        assert signup_remind(signup_id=signup.pk, kind="soon", starts_at=later.isoformat())


def test_a_reminder_run_far_too_late_is_dropped(cast, world):
    event = make_event(world, cast.worker)
    signup = signups.signup_create(actor=cast.liu, event=event)
    with _at(event.starts_at - dt.timedelta(hours=20)):
        assert not signup_remind(
            signup_id=signup.pk, kind="day", starts_at=event.starts_at.isoformat()
        )
    with _at(event.starts_at + dt.timedelta(minutes=5)):
        assert not signup_remind(
            signup_id=signup.pk, kind="soon", starts_at=event.starts_at.isoformat()
        )
    assert not Notification.objects.filter(kind="activity_reminder").exists()
