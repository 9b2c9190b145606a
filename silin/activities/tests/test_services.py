from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from silin.accounts.tests.factories import UserFactory, assign
from silin.activities.models import Event, SignUp
from silin.activities.services import catalogue, checkin, events, signups
from silin.activities.services.checkin import checkin_code
from silin.activities.services.common import ActivityError, places_taken
from silin.activities.tests.factories import make_event, make_item
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.notifications.models import Notification
from silin.spaces.models import Booking
from silin.spaces.tests.factories import SpaceFactory, local, open_every_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def resident(world, name="居民"):
    user = UserFactory(name=name)
    assign(user, Role.RESIDENT, world.tuoyuan)
    return user


def test_sign_up_confirms_while_places_remain_then_waits_in_order(cast, world):
    event = make_event(world, cast.worker, capacity=2)
    a, b, c, d = (resident(world, n) for n in "甲乙丙丁")
    assert signups.signup_create(actor=a, event=event).state == SignUp.State.CONFIRMED
    assert signups.signup_create(actor=b, event=event).state == SignUp.State.CONFIRMED
    third = signups.signup_create(actor=c, event=event)
    fourth = signups.signup_create(actor=d, event=event)
    assert third.state == fourth.state == SignUp.State.WAITING
    assert places_taken(event) == 2


def test_companions_take_places_and_have_a_cap(cast, world):
    event = make_event(world, cast.worker, capacity=3, max_companions=2)
    with pytest.raises(ActivityError) as exc:
        signups.signup_create(actor=cast.liu, event=event, companions=3)
    assert "companions" in exc.value.message_dict
    assert not SignUp.objects.exists()
    signups.signup_create(actor=cast.liu, event=event, companions=2)
    assert places_taken(event) == 3
    late = signups.signup_create(actor=resident(world), event=event)
    assert late.state == SignUp.State.WAITING


def test_no_one_twice_and_full_without_waiting_list(cast, world):
    event = make_event(world, cast.worker, capacity=1, waiting_list=False)
    signups.signup_create(actor=cast.liu, event=event)
    with pytest.raises(ActivityError, match="already signed up"):
        signups.signup_create(actor=cast.liu, event=event)
    with pytest.raises(ActivityError, match="full and has no waiting list"):
        signups.signup_create(actor=resident(world), event=event)
    assert SignUp.objects.count() == 1


def test_sign_up_window_and_draft(cast, world):
    draft = make_event(world, cast.worker, publish=False)
    with pytest.raises(ActivityError, match="not open"):
        signups.signup_create(actor=cast.liu, event=draft)
    later = make_event(
        world, cast.worker, signup_opens_at=local(2, 9), signup_closes_at=local(2, 18)
    )
    with pytest.raises(ActivityError, match="Sign-up opens"):
        signups.signup_create(actor=cast.liu, event=later)
    assert not SignUp.objects.exists()


def test_eligibility_by_age_and_compound(cast, world):
    kids = make_event(world, cast.worker, max_age=12)
    with pytest.raises(ActivityError, match="up to 12"):
        signups.signup_create(actor=cast.liu, event=kids)
    eton_only = make_event(world, cast.worker, compounds=[world.eton])
    with pytest.raises(ActivityError, match="some compounds"):
        signups.signup_create(actor=cast.liu, event=eton_only)
    assert not SignUp.objects.exists()


def test_outsider_cannot_sign_up(cast, world):
    event = make_event(world, cast.worker)
    with pytest.raises(ActivityError, match="another street"):
        signups.signup_create(actor=cast.outsider, event=event)


def test_cancel_offers_the_place_to_the_first_waiting_then_the_next(
    cast, world, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker, capacity=1)
    first = signups.signup_create(actor=cast.liu, event=event)
    w1 = signups.signup_create(actor=resident(world, "甲"), event=event)
    w2 = signups.signup_create(actor=resident(world, "乙"), event=event)
    with django_capture_on_commit_callbacks(execute=True):
        signups.signup_cancel(actor=cast.liu, signup=first)
    w1.refresh_from_db()
    assert w1.state == SignUp.State.WAITING and w1.offer_expires_at is not None
    assert Notification.objects.filter(recipient=w1.person, kind="activity_offer").exists()
    # The offered place is held: a newcomer waits.
    assert signups.signup_create(actor=resident(world, "丙"), event=event).state == "waiting"
    # The offer lapses: the next is offered.
    signups.signup_offer_lapse(signup_id=w1.pk, now=w1.offer_expires_at + dt.timedelta(seconds=1))
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert w1.state == SignUp.State.CANCELLED
    assert w2.offer_expires_at is not None
    accepted = signups.signup_accept_offer(actor=w2.person, signup=w2)
    assert accepted.state == SignUp.State.CONFIRMED
    assert places_taken(event) == 1


def test_capacity_never_below_places_taken(cast, world):
    event = make_event(world, cast.worker, capacity=3)
    signups.signup_create(actor=cast.liu, event=event)
    signups.signup_create(actor=resident(world), event=event)
    with pytest.raises(ActivityError) as exc:
        events.event_set_capacity(actor=cast.worker, event=event, capacity=1)
    assert "capacity" in exc.value.message_dict
    event.refresh_from_db()
    assert event.capacity == 3


def test_raising_capacity_offers_to_the_waiting(cast, world):
    event = make_event(world, cast.worker, capacity=1)
    signups.signup_create(actor=cast.liu, event=event)
    waiting = signups.signup_create(actor=resident(world), event=event)
    events.event_set_capacity(actor=cast.worker, event=event, capacity=2)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at is not None


def test_event_in_the_past_is_refused(cast, world):
    item = make_item(world)
    data = events.EventData(
        community=world.sanjiang,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
        capacity=5,
        place_text="中庭",
    )
    with pytest.raises(ActivityError) as exc:
        events.event_create(actor=cast.worker, item=item, data=data)
    assert "starts_at" in exc.value.message_dict
    assert not Event.objects.exists()


def test_space_booked_for_the_event_and_released_on_cancel(
    cast, world, django_capture_on_commit_callbacks
):
    hall = open_every_day(SpaceFactory(name="沱源共享空间", community=world.sanjiang, capacity=40))
    event = make_event(world, cast.worker, space=hall, place_text="", capacity=30)
    booking = Booking.objects.get(pk=event.booking_id)
    assert booking.status == Booking.Status.APPROVED
    assert (booking.starts_at, booking.ends_at) == (event.starts_at, event.ends_at)
    signups.signup_create(actor=cast.liu, event=event)
    # The same space at the same time is taken: a clear message, nothing saved.
    with pytest.raises(ActivityError) as exc:
        make_event(world, cast.worker, space=hall, place_text="", publish=False)
    assert "space" in exc.value.message_dict
    assert Event.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        events.event_cancel(actor=cast.worker, event=event, reason="下雨")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert SignUp.objects.get().state == SignUp.State.CANCELLED
    notice = Notification.objects.get(recipient=cast.liu, kind="activity_cancelled")
    assert notice.params["reason"] == "下雨"


def test_cancel_needs_a_reason(cast, world):
    event = make_event(world, cast.worker)
    with pytest.raises(ActivityError):
        events.event_cancel(actor=cast.worker, event=event, reason=" ")
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED


def test_worker_signs_up_on_behalf_audited_and_told(
    cast, world, django_capture_on_commit_callbacks
):
    from silin.core.models import AuditEntry

    event = make_event(world, cast.worker)
    with django_capture_on_commit_callbacks(execute=True):
        signup = signups.signup_create(actor=cast.worker, event=event, person=cast.liu)
    assert signup.signed_up_by == cast.worker
    assert AuditEntry.objects.filter(
        object_uuid=str(signup.uuid), detail__startswith="on behalf"
    ).exists()
    assert Notification.objects.filter(
        recipient=cast.liu, kind="activity_signed_up_for_you"
    ).exists()
    with pytest.raises(PermissionDenied):
        signups.signup_create(actor=cast.volunteer, event=event, person=cast.grid_member)


def test_other_community_worker_may_not_run(cast, world):
    event = make_event(world, cast.worker, publish=False)
    with pytest.raises(PermissionDenied):
        events.event_publish(actor=cast.other_worker, event=event)


def test_adopt_keeps_a_link_and_only_once(cast, world):
    item = make_item(world)
    copy = catalogue.item_adopt(actor=cast.worker, item=item, community=world.sanjiang)
    assert copy.source == item and copy.community == world.sanjiang
    with pytest.raises(ActivityError, match="already adopted"):
        catalogue.item_adopt(actor=cast.worker, item=item, community=world.sanjiang)
    with pytest.raises(PermissionDenied):
        catalogue.item_adopt(actor=cast.worker, item=item, community=world.jinlong)


def test_attendance_and_advance(cast, world):
    event = make_event(
        world,
        cast.worker,
        day=0,
        starts_at=timezone.now() + dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    s = signups.signup_create(actor=cast.liu, event=event)
    assert signups.signup_mark(actor=cast.worker, signup=s, attended=True).state == "attended"
    events.event_advance(event_id=event.pk, now=event.ends_at + dt.timedelta(minutes=1))
    event.refresh_from_db()
    assert event.state == Event.State.DONE


def test_the_end_records_who_never_came_and_a_late_upload_still_counts(cast, world):
    event = make_event(
        world,
        cast.worker,
        day=0,
        starts_at=timezone.now() + dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    came = signups.signup_create(actor=cast.liu, event=event)
    missing = signups.signup_create(actor=cast.volunteer, event=event)
    signups.signup_mark(actor=cast.worker, signup=came, attended=True)
    # The code the organiser's phone downloaded before the activity.
    code = checkin_code(SignUp.objects.select_related("event").get(pk=missing.pk))
    events.event_advance(event_id=event.pk, now=event.ends_at + dt.timedelta(minutes=1))
    missing.refresh_from_db()
    came.refresh_from_db()
    assert (came.state, missing.state) == (SignUp.State.ATTENDED, SignUp.State.NO_SHOW)
    assert AuditEntry.objects.filter(object_uuid=missing.uuid, detail="the activity ended").exists()
    # A phone that scanned them offline at the door uploads after the end: it still counts.
    scan = checkin.Scan(
        code=code,
        scanned_at=event.starts_at + dt.timedelta(minutes=5),
        device="door",
    )
    event.refresh_from_db()
    with time_machine.travel(event.ends_at + dt.timedelta(minutes=30), tick=False):
        (result,) = checkin.checkin_upload(actor=cast.worker, event=event, scans=[scan])
    assert result.error == "", result.message
    missing.refresh_from_db()
    assert missing.state == SignUp.State.ATTENDED


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
