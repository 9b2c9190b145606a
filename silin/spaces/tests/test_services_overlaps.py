"""A person booked into two places at once; approving one's own request; and why a slot
cannot be booked, said before the form (services.policy, services.bookings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from silin.accounts.tests.factories import UserFactory, assign
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.places.tests.factories import CommunityFactory, StreetFactory
from silin.spaces.models import Booking, Space
from silin.spaces.services.bookings import booking_approve
from silin.spaces.services.common import OwnOverlap, SpaceError
from silin.spaces.services.policy import slot_refusal
from silin.spaces.services.waitlist import waitlist_claim
from silin.spaces.tests.factories import (
    BlockedPeriodFactory,
    BookingFactory,
    SpaceFactory,
    WaitlistEntryFactory,
    local,
    open_every_day,
)
from silin.spaces.tests.helpers import book

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def lounge(world):
    """邻里荟 in the same community: 刘大爷 may book both it and the chess room."""
    return open_every_day(
        SpaceFactory(
            name="邻里荟", kind=Space.Kind.LOUNGE, community=world.sanjiang, compound=world.tuoyuan
        )
    )


# --- booked elsewhere at the same time ------------------------------------------------------


def test_booking_over_ones_own_booking_elsewhere_warns_naming_it(cast, room, lounge):
    book(cast.liu, room, local(2, 9), local(2, 11))
    with pytest.raises(OwnOverlap) as excinfo:
        book(cast.liu, lounge, local(2, 10), local(2, 14))
    assert not excinfo.value.refused
    assert [b.space for b in excinfo.value.overlaps] == [room]
    message = excinfo.value.messages[0]
    assert message.startswith("You already have a booking at this time: 棋牌室")
    assert "09:00–11:00" in message
    assert Booking.objects.filter(space=lounge).count() == 0


def test_booking_anyway_after_the_warning_books_it(cast, room, lounge):
    book(cast.liu, room, local(2, 9), local(2, 11))
    booking = book(cast.liu, lounge, local(2, 10), local(2, 14), overlap_ok=True)
    assert booking.status == Booking.Status.APPROVED


def test_a_worker_booking_on_behalf_is_warned_with_the_residents_name(cast, room, lounge):
    book(cast.liu, room, local(2, 9), local(2, 11))
    with pytest.raises(OwnOverlap) as excinfo:
        book(cast.worker, lounge, local(2, 9, 30), booker=cast.liu)
    assert excinfo.value.messages[0].startswith("刘大爷 already has a booking at this time")


def test_a_space_that_refuses_overlaps_refuses_even_when_confirmed(cast, room, lounge):
    lounge.allow_overlapping_own_bookings = False
    lounge.save()
    book(cast.liu, room, local(2, 9), local(2, 11))
    with pytest.raises(OwnOverlap) as excinfo:
        book(cast.liu, lounge, local(2, 10), overlap_ok=True)
    assert excinfo.value.refused
    assert "does not take a booking from someone booked elsewhere" in excinfo.value.messages[0]
    assert not Booking.objects.filter(space=lounge).exists()


def test_touching_bookings_cancelled_ones_and_other_peoples_do_not_count(cast, room, lounge):
    book(cast.liu, room, local(2, 9), local(2, 10))  # ends as the next begins
    cancelled = book(cast.liu, room, local(2, 11), local(2, 12))
    cancelled.status = Booking.Status.CANCELLED
    cancelled.save()
    BookingFactory(space=room, starts_at=local(2, 13), ends_at=local(2, 14))  # a neighbour's
    assert book(cast.liu, lounge, local(2, 10), local(2, 14)).pk


def _offer(space, user, start, end):
    return WaitlistEntryFactory(
        space=space,
        user=user,
        starts_at=start,
        ends_at=end,
        state="offered",
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + dt.timedelta(hours=1),
    )


def test_claiming_a_waiting_list_offer_needs_no_confirmation_but_respects_a_refusal(
    cast, room, lounge
):
    book(cast.liu, room, local(2, 9), local(2, 11))
    claimed = waitlist_claim(
        actor=cast.liu, entry=_offer(lounge, cast.liu, local(2, 10), local(2, 11))
    )
    assert claimed.space == lounge
    lounge.allow_overlapping_own_bookings = False
    lounge.save()
    with pytest.raises(OwnOverlap):
        waitlist_claim(actor=cast.liu, entry=_offer(lounge, cast.liu, local(2, 9), local(2, 10)))


# --- approving one's own request ------------------------------------------------------------


@pytest.fixture
def hall(world):
    return open_every_day(
        SpaceFactory(
            name="居民议事厅",
            kind=Space.Kind.DELIBERATION,
            community=world.sanjiang,
            capacity=80,
            approval_required=True,
        )
    )


def test_a_worker_may_not_approve_her_own_request_while_someone_else_may(cast, hall):
    own = BookingFactory(
        space=hall, booker=cast.worker, status=Booking.Status.REQUESTED, attendees=59
    )
    with pytest.raises(SpaceError) as excinfo:
        booking_approve(actor=cast.worker, booking=own)
    assert "another person who approves bookings here must decide" in excinfo.value.messages[0]
    own.refresh_from_db()
    assert own.status == Booking.Status.REQUESTED
    approval = booking_approve(actor=cast.street_admin, booking=own)
    assert approval.booking.status == Booking.Status.APPROVED
    assert not approval.self_approved and approval.declined == 0


def test_a_request_she_made_for_someone_else_is_her_own_too(cast, hall):
    made = BookingFactory(
        space=hall, booker=cast.liu, booked_by=cast.worker, status=Booking.Status.REQUESTED
    )
    with pytest.raises(SpaceError):
        booking_approve(actor=cast.worker, booking=made)


def test_the_only_approver_of_a_space_may_approve_her_own_request_and_it_is_audited(db):
    community = CommunityFactory(street=StreetFactory(name="远山街道"), name="远山社区")
    only = UserFactory(name="李晓梅")
    assign(only, Role.COMMUNITY_WORKER, community)
    hall = open_every_day(SpaceFactory(community=community, approval_required=True, name="议事厅"))
    own = BookingFactory(space=hall, booker=only, status=Booking.Status.REQUESTED)
    approval = booking_approve(actor=only, booking=own)
    assert approval.self_approved and approval.booking.status == Booking.Status.APPROVED
    entry = AuditEntry.objects.filter(object_uuid=str(own.uuid), action="update").get()
    assert entry.detail == "self-approved: no other approver"
    assert entry.changes["self_approved"] == [False, True]


def test_a_named_approver_counts_as_a_second_person(db):
    community = CommunityFactory(street=StreetFactory(name="远山街道"), name="远山社区")
    only = UserFactory(name="李晓梅")
    assign(only, Role.COMMUNITY_WORKER, community)
    hall = open_every_day(SpaceFactory(community=community, approval_required=True))
    hall.approvers.add(UserFactory(name="王主任"))
    own = BookingFactory(space=hall, booker=only, status=Booking.Status.REQUESTED)
    with pytest.raises(SpaceError):
        booking_approve(actor=only, booking=own)


def test_approving_counts_the_overlapping_requests_it_declined(cast, world, hall):
    first = BookingFactory(space=hall, booker=cast.liu, status="requested", starts_at=local(3, 9))
    BookingFactory(space=hall, status="requested", starts_at=local(3, 9, 30))
    BookingFactory(space=hall, status="requested", starts_at=local(3, 15))  # no overlap
    approval = booking_approve(actor=cast.worker, booking=first)
    assert approval.declined == 1


def test_outsiders_still_cannot_approve(cast, hall):
    own = BookingFactory(space=hall, booker=cast.outsider, status=Booking.Status.REQUESTED)
    with pytest.raises(PermissionDenied):
        booking_approve(actor=cast.outsider, booking=own)


# --- why a slot cannot be booked, before the form -------------------------------------------


def _refusal(actor, space, start, end=None):
    return slot_refusal(
        actor=actor, space=space, starts_at=start, ends_at=end or start + dt.timedelta(hours=1)
    )


def test_a_free_slot_has_no_refusal(cast, room, clock):
    clock.move_to(10)
    assert _refusal(cast.liu, room, local(1, 9)) is None


def test_each_reason_a_slot_cannot_be_booked_has_its_code(cast, room, clock):
    clock.move_to(10)
    BookingFactory(space=room, starts_at=local(1, 9), ends_at=local(1, 10))
    BlockedPeriodFactory(
        space=room, starts_at=local(1, 14), ends_at=local(1, 16), reason="消防检查"
    )
    cases = {
        "taken": _refusal(cast.liu, room, local(1, 9)),
        "past": _refusal(cast.liu, room, local(0, 8)),
        "closed": _refusal(cast.liu, room, local(1, 23), local(1, 23, 30)),
        "horizon": _refusal(cast.liu, room, local(room.book_ahead_days + 5, 9)),
        "blocked": _refusal(cast.liu, room, local(1, 14)),
        "length": _refusal(cast.liu, room, local(1, 9), local(1, 9, 10)),
    }
    assert {code: problem.code for code, problem in cases.items() if problem} == {
        code: code for code in cases
    }
    assert "消防检查" in cases["blocked"].message
    assert "08:00–21:00" in cases["closed"].message
