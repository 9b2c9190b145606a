"""The books always balance (issue 12, point 10): random sequences of services, their
confirmation, rejection or auto-acceptance, donations, family transfers, redemptions and
corrections, some refused, against five residents. After every step all balances sum to
zero, each account's balance is the sum of its movements and lies within its limits; a
refused step changes nothing at all."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from silin.mutualaid.models import Account, Movement, ServiceRecord, Transfer
from silin.mutualaid.models.ledger import STORAGE_CAP_MINUTES
from silin.mutualaid.services import ledger, records
from silin.mutualaid.services.common import MutualAidError
from silin.mutualaid.tests.test_ledger import (
    books_balance,
    login_of,
    make_helper,
    make_record,
    person,
    seed,
)
from silin.places.tests.factories import HouseholdFactory


class _Rollback(Exception):
    """Ends an example: everything it wrote is rolled back to the savepoint."""


@pytest.fixture
def people(world, cast, clock):
    """唐丽 (65, a helper on her own), 老王 (70, a helper) with his wife 王婶 (66) and son
    王儿 (40) in one household, and 刘大爷 (80), who is helped; each holds some hours."""
    home = HouseholdFactory(unit=world.tuoyuan_unit, floor=5, door="501")
    tang = make_helper(world)
    wang = make_helper(world, "老王", household=home, age=70)
    spouse = person(home, "王婶", age=66, relation="spouse", user=True)
    son = person(home, "王儿", age=40, relation="child", user=True)
    residents = [tang.resident, wang.resident, spouse, son, world.liu]
    now = clock.move_to(9)
    # Hours to start from (kept across examples): 唐丽 and 王婶 close to the cap.
    for resident, held in zip(
        residents, [STORAGE_CAP_MINUTES - 500, 300, STORAGE_CAP_MINUTES - 60, 200, 100], strict=True
    ):
        seed(resident, held, now=now - dt.timedelta(days=1))
    return SimpleNamespace(
        world=world,
        cast=cast,
        helpers=[tang, wang],
        residents=residents,
        users={r.pk: login_of(r) for r in residents},
        recipients=[world.liu, spouse],
        now=now,
    )


index = st.integers(min_value=0, max_value=50)
small = st.integers(min_value=1, max_value=200)
minutes = st.one_of(small, small, small, st.integers(-5, 0), st.integers(10_000, 100_000))
claims = st.one_of(st.sampled_from([30, 60, 90]), st.integers(min_value=20_000, max_value=32_767))
steps = st.one_of(
    st.tuples(st.just("service"), index, index, claims),
    st.tuples(st.just("confirm"), index, st.sampled_from(["recipient", "worker", "outsider"])),
    st.tuples(st.just("auto"), index),
    st.tuples(st.just("reject"), index),
    st.tuples(st.just("donate"), index, minutes),
    st.tuples(st.just("give"), index, index, minutes),
    st.tuples(st.just("redeem"), index, index),
    st.tuples(st.just("reverse"), index, st.sampled_from(["worker", "outsider"])),
)


def _pick(items: list, i: int):
    return items[i % len(items)] if items else None


def _state() -> tuple:
    return (
        dict(Account.objects.values_list("pk", "balance")),
        Transfer.objects.count(),
        Movement.objects.count(),
        dict(ServiceRecord.objects.values_list("pk", "state")),
    )


def _within_limits() -> None:
    outside = Account.objects.filter(
        Q(kind="person", balance__lt=0)
        | Q(kind="person", balance__gt=STORAGE_CAP_MINUTES)
        | Q(kind__in=["pool", "redeemed"], balance__lt=0)
        | Q(kind="issuer", balance__gt=0)
    )
    assert not outside.exists()


def _run(p: SimpleNamespace, step: tuple, made: list, now: dt.datetime) -> None:  # noqa: C901
    kind, *args = step
    cast = p.cast
    if kind == "service":
        helper, recipient = _pick(p.helpers, args[0]), _pick(p.recipients, args[1])
        made.append(make_record(p.world, helper, now=now, claimed=args[2], requester=recipient))
        return
    if kind == "donate":
        resident = _pick(p.residents, args[0])
        ledger.hours_donate(actor=p.users[resident.pk], resident=resident, minutes=args[1], now=now)
        return
    if kind == "give":
        giver, receiver = _pick(p.residents, args[0]), _pick(p.residents, args[1])
        ledger.hours_give_family(
            actor=p.users[giver.pk], giver=giver, receiver=receiver, minutes=args[2], now=now
        )
        return
    if kind == "reverse":
        transfer = _pick(list(Transfer.objects.order_by("pk")), args[0])
        if transfer is not None:
            actor = cast.worker if args[1] == "worker" else cast.outsider
            ledger.transfer_reverse(actor=actor, transfer=transfer, reason="更正", now=now)
        return
    record = _pick(made, args[0])
    if record is None:
        return
    if kind == "confirm":
        actors = {"recipient": p.users[record.recipient_id], "worker": cast.worker}
        actor = actors.get(args[1], cast.outsider)
        records.service_confirm(actor=actor, record=record, now=now)
    elif kind == "auto":
        records.service_auto_accept(record_id=record.pk, now=now + dt.timedelta(days=30))
    elif kind == "reject":
        records.service_reject(actor=cast.worker, record=record, reason="不对", now=now)
    elif kind == "redeem":
        payer = _pick(p.residents, args[1])
        ledger.hours_redeem(actor=p.users[payer.pk], resident=payer, record=record, now=now)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=1, max_size=18))
def test_the_books_balance_after_any_sequence_and_refusals_change_nothing(people, sequence):
    with translation.override("en"):
        try:
            with transaction.atomic():
                made: list[ServiceRecord] = []
                for i, step in enumerate(sequence):
                    before = _state()
                    try:
                        _run(people, step, made, people.now + dt.timedelta(minutes=i))
                        event(f"{step[0]} done")  # --hypothesis-show-statistics
                    except MutualAidError:
                        event(f"{step[0]} refused")
                        assert _state() == before, step
                    books_balance()
                    _within_limits()
                raise _Rollback
        except _Rollback:
            pass
