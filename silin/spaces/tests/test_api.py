"""Neighbour Spaces over the API: scope (404), the error schema, 409 for a taken slot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from silin.accounts.tests.factories import UserFactory, assign
from silin.core.roles import Role
from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.spaces.models import Booking, Space, WaitlistEntry
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, local, open_every_day

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def room(world):
    space = SpaceFactory(
        name="棋牌室", community=world.sanjiang, compound=world.tuoyuan, capacity=8
    )
    return open_every_day(space)


@pytest.fixture
def other_room(world):
    return open_every_day(SpaceFactory(name="金都活动室", community=world.jinlong, capacity=8))


def _body(start, end=None, **kw):
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (end or start + dt.timedelta(hours=1)).isoformat(),
        "purpose": "下棋",
        "attendees": 2,
    }
    body.update(kw)
    return body


def _post(user, path, body=None):
    return client_for(user).post(f"{API}{path}", body or {}, content_type="application/json", **EN)


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("street_admin", ["棋牌室", "金都活动室"]),
        ("worker", ["棋牌室"]),
        ("other_worker", ["金都活动室"]),
        ("grid_member", ["棋牌室"]),
        ("liu", ["棋牌室"]),
        ("volunteer", ["棋牌室"]),
        ("outsider", []),
    ],
)
def test_the_space_list_is_scoped_to_each_member_of_the_cast(cast, room, other_room, who, names):
    response = client_for(getattr(cast, who)).get(f"{API}/spaces")
    assert response.status_code == 200
    assert sorted(s["name"] for s in response.json()["results"]) == sorted(names)


def test_the_space_list_takes_a_fixed_number_of_queries(cast, world, room):
    client = client_for(cast.worker)
    client.get(f"{API}/spaces")  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{API}/spaces").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(12):
        SpaceFactory(name=f"空间{i}", community=world.sanjiang, compound=world.eton, capacity=5)
    assert count() == few <= 9  # session, user, roles, count, keys, rows (+ session save)


def test_filters_narrow_the_list(cast, world, room):
    SpaceFactory(name="舞蹈室", kind=Space.Kind.DANCE_ROOM, community=world.sanjiang, capacity=30)
    client = client_for(cast.worker)
    names = lambda q: [s["name"] for s in client.get(f"{API}/spaces?{q}").json()["results"]]  # noqa: E731
    assert names("kind=dance_room") == ["舞蹈室"]
    assert names(f"compound={world.tuoyuan.uuid}") == ["棋牌室"]
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    free = f"free_from={local(2, 9, 30).isoformat()}&free_until={local(2, 10, 30).isoformat()}"
    assert names(free.replace("+", "%2B")) == []  # the dance room has no opening hours


def test_a_space_out_of_scope_answers_404_like_a_missing_one(cast, room, other_room):
    client = client_for(cast.liu)
    assert_error(client.get(f"{API}/spaces/{other_room.uuid}", **EN), 404, "not_found")
    response = client.get(f"{API}/spaces/{room.uuid}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["may_book"] is True and detail["may_manage"] is False
    assert detail["check_in_url"] is None and detail["feed_url"].endswith(".ics")
    assert len(detail["opening_hours"]) == 7


def test_those_who_run_a_space_get_its_door_address(cast, room):
    detail = client_for(cast.worker).get(f"{API}/spaces/{room.uuid}").json()
    assert detail["may_manage"] is True
    assert detail["check_in_url"].endswith(f"/spaces/check-in/{room.door_token}/")
    assert detail["feed_url"].endswith(f"/spaces/feeds/space/{room.feed_token}.ics")


def test_availability_shows_taken_and_closed_intervals(cast, room):
    BookingFactory(space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 10))
    start, end = local(2, 0).isoformat(), local(3, 0).isoformat()
    response = client_for(cast.liu).get(
        f"{API}/spaces/{room.uuid}/availability",
        {"starts_at": start, "ends_at": end},
    )
    assert response.status_code == 200
    states = [(i["state"], i["mine"]) for i in response.json()]
    assert states == [
        ("closed", False),
        ("free", False),
        ("taken", True),
        ("free", False),
        ("closed", False),
    ]


def test_availability_of_too_long_a_range_is_refused(cast, room):
    response = client_for(cast.liu).get(
        f"{API}/spaces/{room.uuid}/availability",
        {"starts_at": local(1, 0).isoformat(), "ends_at": local(90, 0).isoformat()},
        **EN,
    )
    assert "ends_at" in assert_error(response, 422, "invalid")["fields"]


def test_booking_through_the_api_and_seeing_it_in_my_bookings(cast, room):
    response = _post(cast.liu, f"/spaces/{room.uuid}/bookings", _body(local(2, 9)))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"
    mine = client_for(cast.liu).get(f"{API}/bookings/mine").json()
    assert [b["uuid"] for b in mine["results"]] == [response.json()["uuid"]]


def test_a_taken_slot_answers_409_conflict(cast, room):
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    response = _post(cast.liu, f"/spaces/{room.uuid}/bookings", _body(local(2, 9, 30)))
    error = assert_error(response, 409, "conflict")
    assert "already booked" in error["fields"]["starts_at"][0]


def test_a_booking_over_ones_booking_elsewhere_is_made_and_warned_of(cast, world, room):
    """Issue 9, item 9: the answer's `warnings` name the other booking."""
    lounge = open_every_day(SpaceFactory(name="邻里荟", community=world.sanjiang, capacity=8))
    BookingFactory(space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 11))
    body = _body(local(2, 10), booker=str(cast.liu.uuid))
    response = _post(cast.worker, f"/spaces/{lounge.uuid}/bookings", body)
    assert response.status_code == 201, response.content
    [warning] = response.json()["warnings"]
    assert warning["code"] == "own_overlap"
    assert warning["message"].startswith("刘大爷 already has a booking at this time: 棋牌室")
    assert [b["space"]["name"] for b in warning["bookings"]] == ["棋牌室"]
    plain = _post(cast.liu, f"/spaces/{room.uuid}/bookings", _body(local(3, 9)))
    assert plain.json()["warnings"] == []


def test_a_space_refusing_overlaps_answers_409_own_overlap(cast, world, room):
    lounge = open_every_day(
        SpaceFactory(
            name="邻里荟",
            community=world.sanjiang,
            capacity=8,
            allow_overlapping_own_bookings=False,
        )
    )
    BookingFactory(space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 11))
    response = _post(cast.liu, f"/spaces/{lounge.uuid}/bookings", _body(local(2, 10)))
    error = assert_error(response, 409, "own_overlap")
    assert "does not take a booking from someone booked elsewhere" in error["message"]
    assert not Booking.objects.filter(space=lounge).exists()
    detail = client_for(cast.liu).get(f"{API}/spaces/{lounge.uuid}").json()
    assert detail["allow_overlapping_own_bookings"] is False


def test_bad_input_answers_422_with_field_messages(cast, room):
    response = _post(
        cast.liu, f"/spaces/{room.uuid}/bookings", _body(local(2, 10), local(2, 9), attendees=50)
    )
    fields = assert_error(response, 422, "invalid")["fields"]
    assert fields["ends_at"] == ["The end must be after the start."]
    assert fields["attendees"] == ["This space holds at most 8 people."]
    assert not Booking.objects.exists()


def test_booking_on_behalf_needs_the_right_to_run_the_space(cast, room):
    body = _body(local(2, 9), booker=str(cast.liu.uuid))
    assert_error(
        _post(cast.volunteer, f"/spaces/{room.uuid}/bookings", body), 403, "permission_denied"
    )
    response = _post(cast.worker, f"/spaces/{room.uuid}/bookings", body)
    assert response.status_code == 201
    assert response.json()["booked_by_name"] == cast.worker.name


def test_a_series_reports_skipped_dates(cast, room):
    first = local(2, 9)
    BookingFactory(
        space=room,
        starts_at=first + dt.timedelta(days=1),
        ends_at=first + dt.timedelta(days=1, hours=1),
    )
    response = _post(
        cast.liu,
        f"/spaces/{room.uuid}/series",
        {
            "rrule": "FREQ=DAILY;COUNT=3",
            "first_starts_at": first.isoformat(),
            "duration_minutes": 60,
            "purpose": "下棋",
            "attendees": 2,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["bookings"]) == 2 and [s["reason"] for s in body["skipped"]] == ["taken"]


def test_a_never_ending_rule_answers_422_on_rrule(cast, room):
    response = _post(
        cast.liu,
        f"/spaces/{room.uuid}/series",
        {
            "rrule": "FREQ=DAILY",
            "first_starts_at": local(2, 9).isoformat(),
            "duration_minutes": 60,
            "purpose": "下棋",
            "attendees": 2,
        },
    )
    assert "must end" in assert_error(response, 422, "invalid")["fields"]["rrule"][0]


@pytest.fixture
def hall(world):
    return open_every_day(
        SpaceFactory(name="议事厅", community=world.sanjiang, capacity=30, approval_required=True)
    )


def test_the_approval_queue_and_approving_through_the_api(cast, world, hall):
    neighbour = UserFactory()
    assign(neighbour, Role.RESIDENT, world.eton)
    first = _post(cast.liu, f"/spaces/{hall.uuid}/bookings", _body(local(3, 9))).json()
    second = _post(neighbour, f"/spaces/{hall.uuid}/bookings", _body(local(3, 9))).json()
    assert first["status"] == second["status"] == "requested"
    queue = client_for(cast.worker).get(f"{API}/bookings/approval-queue").json()
    assert queue["count"] == 2
    assert client_for(cast.liu).get(f"{API}/bookings/approval-queue").json()["count"] == 0
    assert_error(_post(cast.liu, f"/bookings/{first['uuid']}/approve"), 403, "permission_denied")
    assert_error(_post(cast.other_worker, f"/bookings/{first['uuid']}/approve"), 404, "not_found")
    response = _post(cast.worker, f"/bookings/{first['uuid']}/approve")
    assert response.json()["status"] == "approved"
    assert Booking.objects.get(uuid=second["uuid"]).status == Booking.Status.REJECTED
    assert_error(_post(cast.worker, f"/bookings/{second['uuid']}/approve"), 422, "invalid")


def test_rejecting_needs_a_reason(cast, hall):
    request = _post(cast.liu, f"/spaces/{hall.uuid}/bookings", _body(local(3, 9))).json()
    response = _post(cast.worker, f"/bookings/{request['uuid']}/reject", {"reason": ""})
    assert "reason" in assert_error(response, 422, "invalid")["fields"]
    response = _post(cast.worker, f"/bookings/{request['uuid']}/reject", {"reason": "维修"})
    assert response.json()["status"] == "rejected" and response.json()["decision_reason"] == "维修"


def test_someone_elses_booking_is_404(cast, world, room):
    booking = BookingFactory(
        space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 10)
    )
    neighbour = UserFactory()
    assign(neighbour, Role.RESIDENT, world.tuoyuan)
    assert_error(
        client_for(neighbour).get(f"{API}/bookings/{booking.uuid}", **EN), 404, "not_found"
    )
    assert_error(_post(neighbour, f"/bookings/{booking.uuid}/cancel"), 404, "not_found")
    assert _post(cast.liu, f"/bookings/{booking.uuid}/cancel").json()["status"] == "cancelled"


def test_check_in_with_the_door_code(cast, room):
    start = timezone.now() + dt.timedelta(minutes=5)
    booking = BookingFactory(
        space=room, booker=cast.liu, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    wrong = _post(cast.liu, f"/bookings/{booking.uuid}/check-in", {"door_token": "nope"})
    assert "door_token" in assert_error(wrong, 422, "invalid")["fields"]
    right = _post(cast.liu, f"/bookings/{booking.uuid}/check-in", {"door_token": room.door_token})
    assert right.json()["status"] == "checked_in"


def test_waitlist_join_and_claim(cast, world, room):
    booking = BookingFactory(
        space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 10)
    )
    waiting = UserFactory()
    assign(waiting, Role.RESIDENT, world.eton)
    response = _post(waiting, f"/spaces/{room.uuid}/waitlist", _body(local(2, 9)))
    assert response.status_code == 201 and response.json()["state"] == "waiting"
    entry = response.json()["uuid"]
    early = _post(waiting, f"/waitlist/{entry}/claim")
    assert_error(early, 422, "invalid")
    _post(cast.liu, f"/bookings/{booking.uuid}/cancel")
    assert WaitlistEntry.objects.get(uuid=entry).state == "offered"
    assert_error(_post(cast.liu, f"/waitlist/{entry}/claim"), 404, "not_found")
    claimed = _post(waiting, f"/waitlist/{entry}/claim")
    assert claimed.status_code == 201 and claimed.json()["status"] == "approved"


def test_my_feed_url(cast):
    response = client_for(cast.liu).get(f"{API}/feeds")
    assert response.status_code == 200 and response.json()["personal_feed_url"].endswith(".ics")


def test_anonymous_callers_get_401(room):
    assert_error(client_for().get(f"{API}/spaces", **EN), 401, "not_authenticated")


def test_approving_ones_own_request_through_the_api_answers_422(cast, world):
    hall = open_every_day(
        SpaceFactory(name="议事厅", community=world.sanjiang, approval_required=True)
    )
    own = BookingFactory(space=hall, booker=cast.worker, status=Booking.Status.REQUESTED)
    response = _post(cast.worker, f"/bookings/{own.uuid}/approve", {"reason": ""})
    error = assert_error(response, 422, "invalid")
    assert "another person who approves bookings here must decide" in error["fields"]["__all__"][0]
    own.refresh_from_db()
    assert own.status == Booking.Status.REQUESTED
