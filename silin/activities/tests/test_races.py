"""Real concurrent sign-ups against PostgreSQL: an event's places are never oversold.

Threads send their requests through HTTP to the live server, which serves each in its own
thread and database connection. The event's row lock (`services.common.lock_event`)
serialises count-then-insert: exactly `capacity` requests are confirmed, every other one
waits, in arrival order. The control test runs the same code with the lock replaced by a
plain read (and the window between the count and the insert widened a little, as a busy
server would): it oversells, which shows the lock is what holds the invariant.

SQLite is left out: its single writer never lets the requests overlap.
"""

from __future__ import annotations

import time

import pytest

from silin.accounts.services import token_create
from silin.accounts.tests.factories import UserFactory, assign
from silin.activities.models import Event, SignUp
from silin.activities.services import common, signups
from silin.activities.tests.factories import make_event
from silin.core.roles import Role
from silin.core.tests.races import race, require_postgres

THREADS = 16
CAPACITY = 5


def _race(url: str, secrets: list[str]) -> list[tuple[int, dict]]:
    return race([(url, secret, None) for secret in secrets])


@pytest.fixture
def _postgres_only(transactional_db):
    require_postgres()


def _setup(world, cast, live_server):
    event = make_event(world, cast.worker, capacity=CAPACITY)
    secrets = []
    for i in range(THREADS):
        user = UserFactory(name=f"居民{i}")
        assign(user, Role.RESIDENT, world.tuoyuan)
        secrets.append(token_create(actor=user, name="race")[1])
    return event, f"{live_server.url}/api/v1/activities/events/{event.uuid}/signups", secrets


def _confirmed(event: Event) -> int:
    return SignUp.objects.filter(event=event, state=SignUp.State.CONFIRMED).count()


@pytest.mark.usefixtures("_postgres_only")
def test_simultaneous_sign_ups_never_exceed_the_capacity(world, cast, live_server):
    event, url, secrets = _setup(world, cast, live_server)

    results = _race(url, secrets)

    assert sorted(status for status, _ in results) == [201] * THREADS, results
    states = sorted(payload["state"] for _, payload in results)
    assert states.count("confirmed") == CAPACITY
    assert states.count("waiting") == THREADS - CAPACITY
    assert _confirmed(event) == CAPACITY
    positions = sorted(p["waiting_position"] for _, p in results if p["state"] == "waiting")
    assert positions == list(range(1, THREADS - CAPACITY + 1))


@pytest.mark.usefixtures("_postgres_only")
def test_control_without_the_lock_the_same_code_oversells(world, cast, live_server, monkeypatch):
    event, url, secrets = _setup(world, cast, live_server)
    counted = common.tally

    def unlocked(e):
        return Event.objects.select_related("community__street", "item", "space").get(pk=e.pk)

    def slow_count(e, person_id, now):
        taken = counted(e, person_id, now)
        time.sleep(0.2)  # the window between the count and the insert, as on a busy server
        return taken

    monkeypatch.setattr(common, "lock_event", unlocked)
    monkeypatch.setattr(signups, "tally", slow_count)

    _race(url, secrets)

    assert _confirmed(event) > CAPACITY
