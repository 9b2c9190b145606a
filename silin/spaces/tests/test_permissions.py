"""Who may see, book, run, approve, cancel and check in: the cast × the state of things."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from silin.spaces.models import Booking, Space
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, local

pytestmark = pytest.mark.django_db

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]


def _matrix(allowed: set[str]):
    return [(who, who in allowed) for who in CAST]


@pytest.fixture
def room(world):
    return SpaceFactory(name="棋牌室", community=world.sanjiang, compound=world.tuoyuan, capacity=8)


@pytest.mark.parametrize(
    ("who", "expected"),
    _matrix({"street_admin", "worker", "grid_member", "liu", "volunteer"}),
)
def test_who_sees_an_open_space(cast, room, who, expected):
    assert getattr(cast, who).has_perm("spaces.view_space", room) is expected


@pytest.mark.parametrize(("who", "expected"), _matrix({"street_admin", "worker", "grid_member"}))
def test_who_sees_a_space_closed_for_booking(cast, room, who, expected):
    room.active = False
    assert getattr(cast, who).has_perm("spaces.view_space", room) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    _matrix({"street_admin", "worker", "grid_member", "liu", "volunteer"}),
)
def test_who_may_book_an_open_space(cast, room, who, expected):
    assert getattr(cast, who).has_perm("spaces.book_space", room) is expected


@pytest.mark.parametrize(
    ("who", "expected"), _matrix({"street_admin", "worker", "grid_member", "volunteer"})
)
def test_a_space_closed_to_residents_is_booked_by_staff_only(cast, room, who, expected):
    room.bookable_by_residents = False
    room.bookable_by_organizations = False
    assert getattr(cast, who).has_perm("spaces.book_space", room) is expected


@pytest.mark.parametrize(("who", "expected"), _matrix({"street_admin", "worker"}))
def test_who_runs_a_space(cast, room, who, expected):
    user = getattr(cast, who)
    assert user.has_perm("spaces.manage_space", room) is expected
    assert user.has_perm("spaces.book_on_behalf", room) is expected


@pytest.mark.parametrize(
    ("reach", "compound", "liu_sees"),
    [
        (Space.Reach.COMPOUND, "tuoyuan", True),
        (Space.Reach.COMPOUND, "eton", False),
        (Space.Reach.COMMUNITY, "eton", True),
    ],
)
def test_the_reach_decides_which_residents_see_a_space(cast, world, reach, compound, liu_sees):
    space = SpaceFactory(community=world.sanjiang, compound=getattr(world, compound), reach=reach)
    assert cast.liu.has_perm("spaces.view_space", space) is liu_sees


def test_a_street_wide_space_of_another_community_reaches_liu(cast, world):
    space = SpaceFactory(community=world.jinlong, reach=Space.Reach.STREET)
    assert cast.liu.has_perm("spaces.book_space", space)
    space.reach = Space.Reach.COMMUNITY
    assert not cast.liu.has_perm("spaces.view_space", space)


def test_the_named_manager_runs_a_space_outside_their_scope(cast, world):
    space = SpaceFactory(community=world.jinlong, manager=cast.volunteer)
    assert cast.volunteer.has_perm("spaces.manage_space", space)
    assert cast.volunteer.has_perm("spaces.view_space", space)


def _booking(room, cast, status, *, started=False):
    start = timezone.now() - dt.timedelta(minutes=10) if started else local(2, 9)
    return BookingFactory(
        space=room,
        booker=cast.liu,
        status=status,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Booking.Status.REQUESTED, {"street_admin", "worker"}),
        (Booking.Status.APPROVED, set()),
        (Booking.Status.REJECTED, set()),
    ],
)
def test_who_approves_a_booking_in_each_state(cast, room, status, allowed):
    booking = _booking(room, cast, status)
    for who in CAST:
        assert getattr(cast, who).has_perm("spaces.approve_booking", booking) is (who in allowed), (
            who
        )


def test_a_named_approver_approves_requests_of_that_space(cast, room):
    booking = _booking(room, cast, Booking.Status.REQUESTED)
    assert not cast.grid_member.has_perm("spaces.approve_booking", booking)
    room.approvers.add(cast.grid_member)
    assert cast.grid_member.has_perm("spaces.approve_booking", booking)


@pytest.mark.parametrize(
    ("status", "started", "allowed"),
    [
        (Booking.Status.REQUESTED, False, {"street_admin", "worker", "liu"}),
        (Booking.Status.APPROVED, False, {"street_admin", "worker", "liu"}),
        (Booking.Status.APPROVED, True, {"street_admin", "worker"}),
        (Booking.Status.CANCELLED, False, set()),
        (Booking.Status.CHECKED_IN, True, set()),
    ],
)
def test_who_cancels_a_booking_in_each_state(cast, room, status, started, allowed):
    booking = _booking(room, cast, status, started=started)
    for who in CAST:
        assert getattr(cast, who).has_perm("spaces.cancel_booking", booking) is (who in allowed), (
            who
        )


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Booking.Status.APPROVED, {"street_admin", "worker"}),
        (Booking.Status.REQUESTED, set()),
        (Booking.Status.CHECKED_IN, set()),
    ],
)
def test_who_checks_in_on_someones_behalf(cast, room, status, allowed):
    booking = _booking(room, cast, status, started=True)
    for who in CAST:
        assert getattr(cast, who).has_perm("spaces.check_in_on_behalf", booking) is (
            who in allowed
        ), who


@pytest.mark.parametrize(("who", "expected"), _matrix({"street_admin", "worker", "liu"}))
def test_who_sees_a_booking(cast, room, who, expected):
    booking = _booking(room, cast, Booking.Status.APPROVED)
    assert getattr(cast, who).has_perm("spaces.view_booking", booking) is expected


@pytest.mark.parametrize(("who", "expected"), _matrix({"street_admin", "worker", "other_worker"}))
def test_who_sees_an_approval_queue_and_adds_spaces(cast, who, expected):
    user = getattr(cast, who)
    assert user.has_perm("spaces.view_approval_queue") is expected
    assert user.has_perm("spaces.add_space") is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    _matrix({"street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer"}),
)
def test_who_may_browse_spaces_at_all(cast, who, expected):
    assert getattr(cast, who).has_perm("spaces.browse_spaces") is expected


@pytest.mark.parametrize(("who", "expected"), _matrix({"street_admin", "worker", "grid_member"}))
def test_who_sees_the_use_figures_of_a_space(cast, room, who, expected):
    assert getattr(cast, who).has_perm("spaces.view_figures", room) is expected
