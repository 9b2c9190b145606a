"""Real concurrent writes to the time bank against PostgreSQL: nothing is lost, nothing is
credited twice, no account is ever overdrawn.

Each thread calls the service with its own database connection, all released together at
a barrier. A service record's row lock makes simultaneous confirmations credit once; the
accounts' row locks (taken in key order) make simultaneous donations and family transfers
from one account queue, each seeing the balance the last one left.

The control test runs the confirmations with the record's lock replaced by a plain read:
they credit more than once. (Donations need no control: without the accounts' locks the
database's check constraints would still refuse an overdraft.)

SQLite is left out: its single writer never lets the writes overlap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from silin.accounts.models import User
from silin.mutualaid.models import Account, ServiceRecord, Transfer
from silin.mutualaid.services import ledger, notices, records
from silin.mutualaid.services.common import MutualAidError
from silin.mutualaid.tests.test_ledger import (
    balance,
    books_balance,
    login_of,
    make_helper,
    make_record,
    person,
    seed,
)
from silin.places.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 10


@pytest.fixture
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's single writer never lets the writes overlap")
    notices.register_kinds()


def race(calls: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run every call at once, each in its own thread and connection: ("ok", result),
    ("refused", messages) or ("error", repr)."""
    start = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait()
            try:
                with translation.override("en"):
                    outcome: tuple[str, Any] = ("ok", call())
            except MutualAidError as refused:
                outcome = ("refused", refused.messages)
            except Exception as error:  # noqa: BLE001 - reported to the test
                outcome = ("error", repr(error))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _fresh(user: User) -> User:
    """The user read again: each thread holds its own object (and its own memo)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.usefixtures("_postgres_only")
def test_simultaneous_confirmations_of_one_service_credit_it_once(world, cast, clock):
    now = clock.move_to(10)
    helper = make_helper(world)
    record = make_record(world, helper, now=now, claimed=75)
    actors = [_fresh(cast.liu if i % 2 else cast.worker) for i in range(THREADS)]

    results = race(
        [
            (lambda actor=actor: records.service_confirm(actor=actor, record=record, now=now))
            for actor in actors
        ]
    )

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["ok"] + ["refused"] * (THREADS - 1), results
    for kind, messages in results:
        if kind == "refused":
            assert messages == ["This service has already been confirmed."]
    assert ServiceRecord.objects.get(pk=record.pk).state == ServiceRecord.State.COMMITTED
    assert Transfer.objects.filter(service=record).count() == 1
    assert balance(helper.resident) == 75
    books_balance()


@pytest.mark.usefixtures("_postgres_only")
def test_control_without_the_records_lock_the_same_code_credits_twice(
    world, cast, clock, monkeypatch
):
    """The same race with the record's row lock replaced by a plain read (and the window
    before the credit widened, as on a busy server): the hours are credited more than
    once, which shows the lock is what holds the invariant."""
    now = clock.move_to(10)
    helper = make_helper(world)
    record = make_record(world, helper, now=now, claimed=75)

    def unlocked(r: ServiceRecord) -> ServiceRecord:
        fresh = ServiceRecord.objects.select_related(
            "request__household", "request__community", "helper__resident", "recipient"
        ).get(pk=r.pk)
        time.sleep(0.2)
        return fresh

    monkeypatch.setattr(records, "_lock_record", unlocked)
    actors = [_fresh(cast.worker) for _ in range(THREADS)]
    race(
        [
            (lambda actor=actor: records.service_confirm(actor=actor, record=record, now=now))
            for actor in actors
        ]
    )

    assert Transfer.objects.filter(service=record).count() > 1


@pytest.mark.usefixtures("_postgres_only")
def test_simultaneous_donations_and_gifts_never_overdraw_an_account(world, clock):
    now = clock.move_to(10)
    home = HouseholdFactory(unit=world.tuoyuan_unit, floor=3, door="301")
    head = person(home, "张伯", age=70, user=True)
    spouse = person(home, "张婶", age=66, relation="spouse", user=True)
    seed(head, 100, now=now)
    actor = login_of(head)

    def donate(user: User) -> Transfer:
        return ledger.hours_donate(actor=user, resident=head, minutes=30, now=now)

    def give(user: User) -> Transfer:
        return ledger.hours_give_family(
            actor=user, giver=head, receiver=spouse, minutes=30, now=now
        )

    users = [_fresh(actor) for _ in range(THREADS)]
    moves = [donate if i % 2 else give for i in range(THREADS)]
    results = race(
        [(lambda user=user, move=move: move(user)) for user, move in zip(users, moves, strict=True)]
    )

    won = [r for kind, r in results if kind == "ok"]
    assert all(kind in ("ok", "refused") for kind, _ in results), results
    assert len(won) == 3  # 3 × 30 of 100: the fourth would overdraw
    assert balance(head) == 10
    pool = Account.objects.get(community=world.sanjiang, kind=Account.Kind.POOL).balance
    assert balance(spouse) + pool == 90
    books_balance()


@pytest.mark.usefixtures("_postgres_only")
def test_simultaneous_corrections_of_one_transfer_reverse_it_once(world, cast, clock):
    now = clock.move_to(10)
    seed(world.liu, 100, now=now)
    donation = ledger.hours_donate(actor=cast.liu, resident=world.liu, minutes=60, now=now)
    actors = [_fresh(cast.worker) for _ in range(THREADS)]

    results = race(
        [
            (
                lambda actor=actor: ledger.transfer_reverse(
                    actor=actor, transfer=donation, reason="按错了", now=now
                )
            )
            for actor in actors
        ]
    )

    assert sorted(kind for kind, _ in results) == ["ok"] + ["refused"] * (THREADS - 1), results
    assert Transfer.objects.filter(reverses=donation).count() == 1
    assert balance(world.liu) == 100
    books_balance()
