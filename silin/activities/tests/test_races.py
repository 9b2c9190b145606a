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

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from silin.accounts.services import token_create
from silin.accounts.tests.factories import UserFactory, assign
from silin.activities.models import Event, SignUp
from silin.activities.services import common, signups
from silin.activities.tests.factories import make_event
from silin.core.roles import Role

THREADS = 16
CAPACITY = 5


def _post(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the live server on loopback
        url,
        data=json.dumps(body or {"companions": 0}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _race(url: str, secrets: list[str]) -> list[tuple[int, dict]]:
    return race([(url, secret, None) for secret in secrets])


def race(calls: list[tuple[str, str, dict | None]]) -> list[tuple[int, dict]]:
    """POST every (url, token, body) at once, each from its own thread."""
    start = threading.Barrier(len(calls))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def run(call):
        start.wait()
        outcome = _post(*call)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's single writer never lets the requests overlap")


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
