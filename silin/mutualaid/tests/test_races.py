"""Real concurrent requests against PostgreSQL: a need gets one helper, a batch proposes
each request once, and a service's hours are credited once.

Threads send their requests through HTTP to the live server (`core.tests.races`), which
serves each in its own thread and connection. What holds: the request's row lock
(`services.requests.lock_request`) around every change of its state, the open requests
locked by a batch until its proposals are written, the record's lock when it is confirmed,
and the one-live-proposal constraint as the last word. SQLite is left out: its single
writer never lets the requests overlap.
"""

from __future__ import annotations

import pytest

from silin.accounts.services import token_create
from silin.core.tests.races import race, require_postgres
from silin.mutualaid.models import Account, HelpRequest, Movement, Proposal, ServiceRecord
from silin.mutualaid.tests.factories import make_helper, make_record, make_request
from silin.places.tests.factories import UnitFactory

pytestmark = pytest.mark.postgres_only
API = "/api/v1/mutualaid"


@pytest.fixture
def _postgres(transactional_db):
    require_postgres()


def _token(user) -> str:
    return token_create(actor=user, name="race")[1]


@pytest.mark.usefixtures("_postgres")
def test_eight_helpers_take_one_need_at_once_and_one_gets_it(world, live_server):
    helpers = [make_helper(unit=world.tuoyuan_unit, floor=3 + i, name=f"邻居{i}") for i in range(8)]
    need = make_request(world.liu)
    url = f"{live_server.url}{API}/requests/{need.uuid}/take"

    results = race([(url, _token(h.user), {}) for h in helpers])

    assert sorted(status for status, _ in results) == [200] + [422] * 7, results
    need.refresh_from_db()
    assert need.state == HelpRequest.State.ACCEPTED
    assert need.helper in helpers
    assert Proposal.objects.filter(request=need, state=Proposal.State.ACCEPTED).count() == 1


@pytest.mark.usefixtures("_postgres")
def test_two_batches_at_once_propose_each_request_once(world, cast, live_server):
    units = [UnitFactory(building=world.tuoyuan_unit.building, number=str(n)) for n in range(2, 6)]
    for n, unit in enumerate(units):
        make_helper(unit=unit, floor=2, name=f"帮手{n}", monthly_cap=3)
    needs = [make_request(world.liu, kind="shopping") for _ in range(6)]
    url = f"{live_server.url}{API}/communities/{world.sanjiang.uuid}/matching-runs"
    tokens = [_token(cast.worker), _token(cast.street_admin)]

    results = race([(url, token, {}) for token in tokens])

    assert sorted(status for status, _ in results) == [201, 201], results
    matched = sorted(payload["matched"] for _, payload in results)
    assert matched == [0, 6]  # the second batch found them proposed already
    for need in needs:
        assert Proposal.objects.filter(request=need).count() == 1


@pytest.mark.usefixtures("_postgres")
def test_confirming_one_service_from_several_phones_credits_it_once(world, cast, live_server):
    from django.utils import timezone

    tang = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    now = timezone.now()
    need = make_request(world.liu, state=HelpRequest.State.DONE, helper=tang, start=now)
    record = make_record(need, minutes=60, state=ServiceRecord.State.PENDING, checked_in_at=now)
    url = f"{live_server.url}{API}/services/{record.uuid}/confirm"
    tokens = [_token(cast.liu) for _ in range(4)] + [_token(cast.worker) for _ in range(2)]

    results = race([(url, token, {}) for token in tokens])

    statuses = sorted(status for status, _ in results)
    assert statuses.count(200) == 1 and statuses.count(422) == 5, results
    assert Account.objects.get(resident=tang.resident).balance == 60
    assert sum(Account.objects.values_list("balance", flat=True)) == 0
    assert sum(Movement.objects.values_list("amount", flat=True)) == 0
