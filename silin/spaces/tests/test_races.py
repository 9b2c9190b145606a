"""Real concurrent requests against PostgreSQL: one slot is never booked twice.

Threads send their requests through HTTP to the live server, which serves each in its own
thread and database connection. The per-space row lock serialises the check-then-insert and
the exclusion constraint `booking_no_overlap` backs it up: exactly one request wins, every
other gets a clear 409 (or 422), never a server error, and no two confirmed bookings overlap.

SQLite is left out: it has one writer, so the requests cannot overlap there at all (and the
in-memory test database is shared by the live server's threads).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from silin.accounts.services import token_create
from silin.accounts.tests.factories import UserFactory, assign
from silin.core.roles import Role
from silin.core.tests.races import post_json
from silin.spaces.models import Booking
from silin.spaces.tests.factories import SpaceFactory, local, open_every_day

THREADS = 16


def _race(calls) -> list[tuple[int, dict]]:
    """Run the calls at once (a barrier releases them together); their outcomes."""
    start = threading.Barrier(len(calls))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def run(call):
        start.wait()
        outcome = call()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _no_confirmed_overlap(space) -> bool:
    held = list(Booking.objects.filter(space=space).holding().order_by("starts_at"))
    return all(a.ends_at <= b.starts_at for a, b in zip(held, held[1:], strict=False))


@pytest.fixture
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's single writer never lets the requests overlap")


@pytest.mark.usefixtures("_postgres_only")
def test_simultaneous_requests_for_one_slot_make_exactly_one_booking(world, live_server):
    room = open_every_day(SpaceFactory(name="棋牌室", community=world.sanjiang, capacity=8))
    url = f"{live_server.url}/api/v1/spaces/{room.uuid}/bookings"
    calls = []
    for i in range(THREADS):
        user = UserFactory(name=f"居民{i}")
        assign(user, Role.RESIDENT, world.tuoyuan)
        _token, secret = token_create(actor=user, name="race")
        # Every request overlaps every other: one hour each, starts 2 minutes apart.
        start = local(2, 9, i * 2)
        body = {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            "purpose": "下棋",
            "attendees": 2,
        }
        calls.append(lambda body=body, secret=secret: post_json(url, secret, body))

    results = _race(calls)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (THREADS - 1), statuses
    for status, payload in results:
        if status == 409:
            assert payload["error"]["code"] == "conflict"
            assert payload["error"]["fields"]["starts_at"]
    assert Booking.objects.filter(space=room).count() == 1
    assert _no_confirmed_overlap(room)


@pytest.mark.usefixtures("_postgres_only")
def test_approving_two_overlapping_requests_at_once_confirms_exactly_one(cast, world, live_server):
    hall = open_every_day(
        SpaceFactory(name="议事厅", community=world.sanjiang, capacity=30, approval_required=True)
    )
    deciders = [cast.worker, cast.street_admin]
    secrets = [token_create(actor=u, name="race")[1] for u in deciders]
    rounds = 4
    for r in range(rounds):
        start = local(3 + r, 9)
        pair = [
            Booking.objects.create(
                space=hall,
                community=hall.community,
                booker=UserFactory(),
                purpose="议事",
                attendees=5,
                starts_at=start + dt.timedelta(minutes=15 * k),
                ends_at=start + dt.timedelta(hours=1, minutes=15 * k),
                status=Booking.Status.REQUESTED,
            )
            for k in range(2)
        ]
        calls = [
            lambda b=b, s=s: post_json(f"{live_server.url}/api/v1/bookings/{b.uuid}/approve", s, {})
            for b, s in zip(pair, secrets, strict=True)
        ]
        results = _race(calls)
        statuses = sorted(status for status, _ in results)
        # The loser either lost at the lock (its request was just rejected: 422) or at the
        # constraint/overlap check (409); never a 500, never two approvals.
        assert statuses[0] == 200 and statuses[1] in (409, 422), statuses
        states = sorted(
            Booking.objects.filter(pk__in=[b.pk for b in pair]).values_list("status", flat=True)
        )
        assert states == ["approved", "rejected"], states
    assert _no_confirmed_overlap(hall)
