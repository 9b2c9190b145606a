"""Booking one slot and deciding on it (services.bookings): rules, approval, cancelling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation

from silin.accounts import sms
from silin.accounts.tests.factories import UserFactory, assign
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.notifications.models import Notification
from silin.spaces.models import Booking, OpeningException, Space
from silin.spaces.services import bookings as booking_services
from silin.spaces.services.bookings import (
    booking_approve,
    booking_cancel,
    booking_create,
    booking_reject,
)
from silin.spaces.services.common import SlotTaken, SpaceError
from silin.spaces.tests.factories import (
    BlockedPeriodFactory,
    BookingFactory,
    SpaceFactory,
    local,
    open_every_day,
)
from silin.spaces.tests.helpers import book, errors_of

pytestmark = pytest.mark.usefixtures("english")

# --- booking_create: the happy path -------------------------------------------------------------


def test_a_resident_books_a_free_slot_and_it_is_confirmed_and_audited(cast, world, room):
    booking = book(cast.liu, room, local(2, 9))
    assert booking.status == Booking.Status.APPROVED
    assert booking.household == world.liu_household
    assert booking.community == world.sanjiang and booking.compound == world.tuoyuan
    assert booking.booked_by is None
    entry = AuditEntry.objects.get(object_uuid=str(booking.uuid))
    assert entry.action == "create" and entry.actor == cast.liu


def test_a_worker_books_on_behalf_of_a_resident_who_is_told(
    cast, room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(cast.worker, room, local(2, 9), booker=cast.liu)
    assert booking.booker == cast.liu and booking.booked_by == cast.worker
    notice = Notification.objects.get(recipient=cast.liu)
    assert notice.kind == "booking_made_for_you"
    assert sms.outbox and sms.outbox[-1][0] == cast.liu.mobile


# --- booking_create: every kind of bad input, nothing saved -------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ((2, 10), (2, 9), "ends_at", "end must be after the start"),
        ((2, 6), (2, 7), "starts_at", "Opening hours that day: 08:00–21:00"),
        ((2, 20), (2, 22), "starts_at", "not open for all of this time"),
        ((2, 9), (2, 9, 10), "ends_at", "at least 30 minutes"),
        ((2, 9), (2, 14), "ends_at", "at most 240 minutes"),
        ((-1, 9), (-1, 10), "starts_at", "already passed"),
        ((45, 9), (45, 10), "starts_at", "at most 30 days ahead"),
    ],
)
def test_bad_times_are_refused_with_a_clear_message_and_nothing_saved(
    cast, room, start, end, field, words
):
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(*start), local(*end))
    assert any(words in m for m in errors_of(excinfo)[field])
    assert not Booking.objects.exists()


def test_over_capacity_is_refused(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9), attendees=9)
    assert errors_of(excinfo)["attendees"] == ["This space holds at most 8 people."]
    assert not Booking.objects.exists()


def test_a_day_closed_by_an_exception_is_refused(cast, room):
    OpeningException.objects.create(
        space=room, date=local(2, 9).date(), closed=True, reason=OpeningException.Reason.HOLIDAY
    )
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9))
    assert errors_of(excinfo)["starts_at"] == ["The space is closed that day."]


def test_special_hours_replace_the_weekly_hours_that_day(cast, room):
    OpeningException.objects.create(
        space=room,
        date=local(2, 9).date(),
        closed=False,
        opens=dt.time(13),
        closes=dt.time(17),
        reason=OpeningException.Reason.SPECIAL,
    )
    with pytest.raises(SpaceError):
        book(cast.liu, room, local(2, 9))
    assert book(cast.liu, room, local(2, 14)).status == Booking.Status.APPROVED


def test_a_blocked_period_is_refused_except_for_its_named_overriders(cast, room):
    block = BlockedPeriodFactory(
        space=room, starts_at=local(2, 8), ends_at=local(2, 12), reason="消防检查"
    )
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9))
    assert errors_of(excinfo)["starts_at"] == ["This time is blocked: 消防检查."]
    block.overriders.add(cast.liu)
    assert book(cast.liu, room, local(2, 9)).status == Booking.Status.APPROVED


def test_the_weekly_household_quota_is_enforced(cast, room):
    room.weekly_quota_household_minutes = 120
    room.save()
    book(cast.liu, room, local(2, 9), local(2, 10, 30))
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 14), local(2, 15))
    assert "weekly quota" in errors_of(excinfo)["ends_at"][0]
    assert Booking.objects.count() == 1


def test_a_taken_slot_is_refused_as_slot_taken(cast, room):
    book(cast.worker, room, local(2, 9), local(2, 11))
    with pytest.raises(SlotTaken) as excinfo:
        book(cast.liu, room, local(2, 10), local(2, 11))
    assert "already booked" in errors_of(excinfo)["starts_at"][0]
    assert Booking.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only"
)
def test_a_race_lost_at_the_exclusion_constraint_is_slot_taken_not_a_server_error(
    cast, room, monkeypatch
):
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    # Pretend the checks (the one before the lock and the one under it) ran before the
    # other booking was committed.
    monkeypatch.setattr(booking_services, "confirmed_overlap_exists", lambda **k: False)
    monkeypatch.setattr(booking_services, "slot_problem", lambda *a, **k: None)
    with pytest.raises(SlotTaken) as excinfo:
        book(cast.liu, room, local(2, 9, 30))
    assert "taken a moment ago" in errors_of(excinfo)["starts_at"][0]
    assert Booking.objects.count() == 1


def test_an_outsider_cannot_book(cast, room):
    with pytest.raises(PermissionDenied):
        book(cast.outsider, room, local(2, 9))


def test_a_resident_outside_the_reach_cannot_book(cast, world, room):
    neighbour = UserFactory(resident=world.other_resident)  # lives in 金龙社区
    assign(neighbour, Role.RESIDENT, world.jindu)
    with pytest.raises(PermissionDenied):
        book(neighbour, room, local(2, 9))
    room.reach = Space.Reach.STREET
    room.save()
    assert book(neighbour, room, local(2, 9)).booker == neighbour


def test_a_space_closed_to_residents_refuses_them(cast, room):
    room.bookable_by_residents = False
    room.save()
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9))
    assert "not open to you" in errors_of(excinfo)["__all__"][0]


def test_a_volunteer_cannot_book_on_someone_elses_behalf(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        book(cast.volunteer, room, local(2, 9), booker=cast.liu)
    assert "booker" in errors_of(excinfo)


# --- approval -----------------------------------------------------------------------------------


@pytest.fixture
def hall(world, room):
    """A deliberation hall whose bookings need approval."""
    space = SpaceFactory(
        name="居民议事厅",
        kind=Space.Kind.DELIBERATION,
        community=world.sanjiang,
        capacity=40,
        approval_required=True,
    )
    return open_every_day(space)


def test_requests_may_compete_and_approving_one_rejects_the_others_with_a_reason(
    cast, world, hall, django_capture_on_commit_callbacks
):
    neighbour = UserFactory()
    assign(neighbour, Role.RESIDENT, world.eton)
    first = book(cast.liu, hall, local(3, 9), local(3, 11))
    second = book(neighbour, hall, local(3, 10), local(3, 12))
    assert first.status == second.status == Booking.Status.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        booking_approve(actor=cast.worker, booking=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Booking.Status.APPROVED and first.decided_by == cast.worker
    assert second.status == Booking.Status.REJECTED
    # A code, not a sentence: each reader reads the reason in their own language.
    assert second.decision_reason == ""
    assert second.decision_code == Booking.DecisionCode.OTHER_APPROVED
    kinds = set(Notification.objects.values_list("recipient__pk", "kind"))
    assert (cast.liu.pk, "booking_approved") in kinds
    assert (neighbour.pk, "booking_rejected") in kinds
    notice = Notification.objects.get(recipient=neighbour, kind="booking_rejected")
    assert notice.params["code"] == "other_approved" and "reason" not in notice.params
    with translation.override("en"):
        assert "Another request for this time was approved." in notice.rendered.body
        assert second.reason_text == "Another request for this time was approved."
    notice = Notification.objects.get(pk=notice.pk)  # `rendered` is cached per instance
    with translation.override("zh-hans"):
        assert "这个时段的另一个申请已获批准。" in notice.rendered.body


def test_a_request_cannot_overlap_a_confirmed_booking(cast, hall):
    booking_create(
        actor=cast.worker,
        space=hall,
        starts_at=local(3, 9),
        ends_at=local(3, 11),
        purpose="议事会",
        attendees=20,
    )
    with pytest.raises(SlotTaken):
        book(cast.liu, hall, local(3, 10))


def test_approving_a_request_that_lost_its_slot_is_refused(cast, hall):
    request = book(cast.liu, hall, local(3, 9))
    BookingFactory(space=hall, starts_at=local(3, 9), ends_at=local(3, 10))
    with pytest.raises(SlotTaken):
        booking_approve(actor=cast.worker, booking=request)
    request.refresh_from_db()
    assert request.status == Booking.Status.REQUESTED


def test_only_managers_and_named_approvers_approve(cast, hall):
    request = book(cast.liu, hall, local(3, 9))
    for outsider in (cast.liu, cast.volunteer, cast.other_worker, cast.outsider):
        with pytest.raises(PermissionDenied):
            booking_approve(actor=outsider, booking=request)
    hall.approvers.add(cast.volunteer)
    booking_approve(actor=cast.volunteer, booking=request)


def test_a_rejection_needs_a_reason_and_a_decided_request_cannot_be_decided_again(cast, hall):
    request = book(cast.liu, hall, local(3, 9))
    with pytest.raises(SpaceError) as excinfo:
        booking_reject(actor=cast.worker, booking=request, reason="  ")
    assert "reason" in errors_of(excinfo)
    booking_reject(actor=cast.worker, booking=request, reason="场地维修")
    with pytest.raises(SpaceError):
        booking_approve(actor=cast.worker, booking=request)
    request.refresh_from_db()
    assert request.status == Booking.Status.REJECTED and request.decision_reason == "场地维修"


# --- cancelling ---------------------------------------------------------------------------------


def test_a_started_booking_can_be_cancelled_by_staff_only(
    cast, room, django_capture_on_commit_callbacks
):
    booking = BookingFactory(
        space=room,
        booker=cast.liu,
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        ends_at=timezone.now() + dt.timedelta(minutes=55),
    )
    with pytest.raises(SpaceError):
        booking_cancel(actor=cast.liu, booking=booking)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=cast.worker, booking=booking, reason="停电")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Notification.objects.get(recipient=cast.liu).kind == "booking_cancelled"


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
