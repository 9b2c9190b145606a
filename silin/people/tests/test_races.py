"""Real concurrent requests against PostgreSQL: the register never holds one ID number twice.

Each thread sends the same new resident through HTTP to the live server, which serves
every request in its own thread and database connection. The unique constraint on the
ID number's keyed hash decides: exactly one request creates the resident and every other
gets a clear field error, never a server error.

SQLite is left out: it has one writer, so the requests cannot overlap there at all (and
the in-memory test database is shared by the live server's threads).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from silin.accounts.services import token_create
from silin.core.tests.races import post_json
from silin.lib import crypto, idnumbers
from silin.people.models import Resident

THREADS = 12


@pytest.fixture
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's single writer never lets the requests overlap")


@pytest.mark.usefixtures("_postgres_only")
def test_simultaneous_registrations_of_one_id_number_create_exactly_one_resident(
    cast, world, live_server
):
    _token, secret = token_create(actor=cast.worker, name="race")
    birth = dt.date(1990, 2, 3)
    id_number = idnumbers.build("510121", birth, 77, "M")
    body = {
        "name": "并发测试",
        "gender": "M",
        "birth_date": birth.isoformat(),
        "household": str(world.liu_household.uuid),
        "relation": "child",
        "id_number": id_number,
    }
    start = threading.Barrier(THREADS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def register():
        start.wait()
        outcome = post_json(f"{live_server.url}/api/v1/residents", secret, body)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=register) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [422] * (THREADS - 1), statuses
    for status, payload in results:
        if status == 422:
            assert payload["error"]["fields"]["id_number"] == [
                "Another resident in the register has this ID number."
            ]
    assert Resident.objects.filter(id_number_hash=crypto.lookup_hash(id_number)).count() == 1
