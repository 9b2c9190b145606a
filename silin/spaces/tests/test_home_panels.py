"""What Neighbour Spaces puts on the home pages: my next bookings, today's bookings in the
spaces I run, the requests waiting for me, and the street's spaces."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from silin.core import home
from silin.people.tests.factories import ResidentFactory
from silin.spaces.models import Booking, Space
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, open_every_day


def _home(client) -> str:
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def room(world, clock):
    clock.move_to(10)
    return open_every_day(
        SpaceFactory(name="棋牌室", kind=Space.Kind.ACTIVITY_CENTRE, community=world.sanjiang)
    )


def _at(hours: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


def test_a_resident_with_nothing_booked_is_shown_the_way_to_book(cast, room, login):
    html = _home(login(cast.liu))
    assert 'id="panel-my-bookings"' in html
    assert 'id="book-a-space"' in html
    assert reverse("spaces:space-list") in html


def test_a_resident_sees_his_next_bookings_soonest_first(cast, room, login):
    BookingFactory(space=room, booker=cast.liu, starts_at=_at(26), ends_at=_at(27), purpose="后天")
    BookingFactory(space=room, booker=cast.liu, starts_at=_at(2), ends_at=_at(3), purpose="今天")
    BookingFactory(space=room, booker=cast.liu, starts_at=_at(-3), ends_at=_at(-2), purpose="过去")
    html = _home(login(cast.liu))
    assert html.index("今天") < html.index("后天")
    assert "过去" not in html


def test_staff_without_a_record_or_bookings_get_no_booking_panel(cast, room, login):
    assert 'id="panel-my-bookings"' not in _home(login(cast.worker))


def test_a_worker_sees_todays_bookings_in_her_spaces_and_not_in_others(cast, world, room, login):
    other = open_every_day(SpaceFactory(name="金龙书屋", community=world.jinlong))
    BookingFactory(space=room, starts_at=_at(1), ends_at=_at(2), purpose="下棋")
    BookingFactory(space=other, starts_at=_at(1), ends_at=_at(2), purpose="读书会")
    BookingFactory(space=room, starts_at=_at(30), ends_at=_at(31), purpose="明天的")
    html = _home(login(cast.worker))
    assert 'id="panel-spaces-today"' in html
    assert "下棋" in html and "读书会" not in html and "明天的" not in html
    assert 'id="panel-spaces-today"' not in _home(login(cast.liu))


def test_requests_waiting_are_a_to_do_due_when_the_soonest_starts(cast, room, login):
    soon = BookingFactory(
        space=room, status=Booking.Status.REQUESTED, starts_at=_at(5), ends_at=_at(6)
    )
    BookingFactory(space=room, status=Booking.Status.REQUESTED, starts_at=_at(50), ends_at=_at(51))
    [todo] = [t for t in home.todos_for(cast.worker) if t.key == "spaces.approvals"]
    assert todo.count == 2 and todo.due == soon.starts_at
    html = _home(login(cast.worker))
    assert 'id="todo-spacesapprovals"' in html
    assert reverse("spaces:approval-queue") in html
    assert not [t for t in home.todos_for(cast.other_worker) if t.key == "spaces.approvals"]
    assert not [t for t in home.todos_for(cast.liu) if t.key == "spaces.approvals"]


def test_a_deadline_to_do_comes_before_the_data_quality_lines(cast, world, room, login):
    ResidentFactory(name="缺手机", household=world.liu_household)
    BookingFactory(space=room, status=Booking.Status.REQUESTED, starts_at=_at(5), ends_at=_at(6))
    keys = [t.key for t in home.todos_for(cast.worker)]
    assert keys.index("spaces.approvals") < keys.index("people.no_mobile")


def test_the_street_sees_its_spaces_community_by_community(cast, world, room, login):
    BookingFactory(space=room, starts_at=_at(1), ends_at=_at(2))
    BookingFactory(space=room, status=Booking.Status.REQUESTED, starts_at=_at(3), ends_at=_at(4))
    html = _home(login(cast.street_admin))
    assert 'id="panel-street-spaces"' in html
    assert f"?community={world.sanjiang.uuid}" in html
    assert f"?community={world.jinlong.uuid}" in html


def test_the_spaces_panels_cost_the_same_queries_however_many_bookings(cast, room, login):
    client = login(cast.worker)
    client.get(reverse("console:home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("console:home"))
    for i in range(12):
        BookingFactory(space=room, starts_at=_at(0.5 + i / 10), ends_at=_at(0.55 + i / 10))
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("console:home"))
    # One more: today's bookings past the eight shown are counted.
    assert len(after.captured_queries) <= len(before.captured_queries) + 1


def test_a_residents_page_shows_his_bookings_and_offers_to_book_for_him(cast, world, room, login):
    BookingFactory(space=room, booker=cast.liu, starts_at=_at(2), ends_at=_at(3), purpose="下象棋")
    url = reverse("people:resident-detail", args=[world.liu.uuid])
    html = login(cast.worker).get(url).content.decode()
    assert 'id="resident-bookings"' in html and "下象棋" in html
    assert f"?for={world.liu.uuid}" in html


def test_a_resident_page_shows_only_the_bookings_the_viewer_may_see(cast, world, room, login):
    elsewhere = open_every_day(SpaceFactory(name="金龙书屋", community=world.jinlong))
    BookingFactory(
        space=elsewhere, booker=cast.liu, starts_at=_at(2), ends_at=_at(3), purpose="读书"
    )
    # 三江社区's grid member may open 刘大爷's page but runs no space: no booking action.
    html = (
        login(cast.grid_member)
        .get(reverse("people:resident-detail", args=[world.liu.uuid]))
        .content.decode()
    )
    assert "读书" not in html
    assert 'id="book-for-resident"' not in html


def test_the_street_administrator_gets_the_street_table_not_every_booking_of_the_day(
    cast, room, login
):
    BookingFactory(space=room, starts_at=_at(1), ends_at=_at(2), purpose="下棋")
    html = _home(login(cast.street_admin))
    assert 'id="panel-street-spaces"' in html
    assert 'id="panel-spaces-today"' not in html


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
