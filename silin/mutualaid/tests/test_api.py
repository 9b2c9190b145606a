"""Neighbour services over the API: the whole flow, scoping and the one error schema."""

from __future__ import annotations

import datetime as dt

import pytest

from silin.mutualaid.models import Account, HelpRequest, Proposal
from silin.mutualaid.tests.factories import make_helper, make_record, make_request

pytestmark = pytest.mark.django_db
API = "/api/v1/mutualaid"


@pytest.fixture
def now(clock):
    return clock.move_to(9)


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_flow_through_the_api(
    cast, world, now, client, clock, django_capture_on_commit_callbacks
):
    tang = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    client.force_login(cast.liu)
    start = now + dt.timedelta(hours=1)
    made = _post(
        client,
        f"{API}/requests",
        {
            "kind": "shopping",
            "window_start": start.isoformat(),
            "window_end": (start + dt.timedelta(hours=3)).isoformat(),
            "notes": "买\u200b菜",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "open" and body["notes"] is None  # liu is not a coordinator
    assert HelpRequest.objects.get().notes == "买菜"
    assert [r["uuid"] for r in client.get(f"{API}/requests/mine").json()] == [body["uuid"]]

    client.force_login(cast.worker)
    run = _post(client, f"{API}/communities/{world.sanjiang.uuid}/matching-runs")
    assert run.status_code == 201 and run.json()["matched"] == 1
    (pair,) = client.get(f"{API}/communities/{world.sanjiang.uuid}/proposals").json()
    assert pair["helper_name"] == "唐丽" and pair["reasons"][0] == "upstairs_downstairs"
    assert _post(client, f"{API}/proposals/{pair['uuid']}/confirm").json()["state"] == "confirmed"

    client.force_login(tang.user)
    assert [p["uuid"] for p in client.get(f"{API}/proposals/mine").json()] == [pair["uuid"]]
    accepted = _post(client, f"{API}/proposals/{pair['uuid']}/accept").json()
    assert accepted["door"] == world.liu_household.door and accepted["notes"] == "买菜"
    assert _post(client, f"{API}/requests/{body['uuid']}/check-in").status_code == 201
    clock.move_to(10, 10)
    out = _post(client, f"{API}/requests/{body['uuid']}/check-out", {"claimed_minutes": 60})
    assert out.status_code == 200 and out.json()["state"] == "pending"

    client.force_login(cast.liu)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = _post(client, f"{API}/services/{out.json()['uuid']}/confirm")
    assert confirmed.json()["state"] == "committed"
    assert Account.objects.get(resident=tang.resident).balance == 60


def test_bad_input_answers_422_with_the_one_error_schema(cast, world, now, client):
    client.force_login(cast.liu)
    start = now + dt.timedelta(hours=1)
    bad = _post(
        client,
        f"{API}/requests",
        {"kind": "shopping", "window_start": start.isoformat(), "window_end": start.isoformat()},
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]) == {"code", "message", "fields"}
    assert "window_end" in bad.json()["error"]["fields"]
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_worker", "volunteer"])
def test_outsiders_get_404(cast, world, now, client, who):
    r = make_request(world.liu)
    client.force_login(getattr(cast, who))
    assert client.get(f"{API}/requests/{r.uuid}").status_code == 404
    assert _post(client, f"{API}/requests/{r.uuid}/cancel").status_code == 404
    assert (
        _post(client, f"{API}/communities/{world.sanjiang.uuid}/matching-runs").status_code == 404
    )
    assert client.get(f"{API}/communities/{world.sanjiang.uuid}/proposals").status_code == 404
    assert not Proposal.objects.exists()


def test_a_helper_enrols_pauses_and_comes_back(cast, world, now, client):
    client.force_login(cast.liu)
    made = _post(
        client, f"{API}/helpers/me", {"skills": ["visit"], "availability": [[0, 480, 720]]}
    )
    assert made.status_code == 201 and made.json()["verified"] is False
    assert _post(client, f"{API}/helpers/me", {"skills": ["visit"]}).status_code == 422
    assert _post(client, f"{API}/helpers/me/pause", {"paused": True}).json()["paused"] is True
    bad = _post(client, f"{API}/helpers/me/pause", {"paused": "soon"})
    assert bad.status_code == 422


def test_the_time_bank_over_the_api(cast, world, now, client, django_capture_on_commit_callbacks):
    from silin.mutualaid.services import ledger
    from silin.mutualaid.tests.factories import make_helper, make_request

    tang = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    r = make_request(world.liu, state="done", helper=tang, start=now - dt.timedelta(hours=3))

    record = make_record(
        r, minutes=60, state="committed", checked_in_at=now - dt.timedelta(hours=3)
    )
    ledger.service_credit(record=record, actor=None, now=now)
    client.force_login(tang.user)
    assert client.get(f"{API}/ledger/me").json()["balance"] == 60
    assert _post(client, f"{API}/ledger/me/donations", {"minutes": 30}).status_code == 201
    too_much = _post(client, f"{API}/ledger/me/donations", {"minutes": 31})
    assert too_much.status_code == 422
    assert client.get(f"{API}/ledger/me").json()["balance"] == 30
    assert sum(Account.objects.values_list("balance", flat=True)) == 0

    client.force_login(cast.outsider)
    assert client.get(f"{API}/ledger/residents/{tang.resident.uuid}").status_code == 404
    client.force_login(cast.worker)
    assert client.get(f"{API}/ledger/residents/{tang.resident.uuid}").json()["balance"] == 30
    issued = _post(
        client,
        f"{API}/ledger/residents/{tang.resident.uuid}/certificates",
        {"period_start": str(now.date() - dt.timedelta(days=30)), "period_end": str(now.date())},
    )
    assert issued.status_code == 201, issued.content
    assert issued.json()["minutes"] == 60
    number = issued.json()["number"]
    assert client.get(f"{API}/ledger/certificates/{number}").json()["uuid"] == issued.json()["uuid"]
    assert client.get(f"{API}/ledger/certificates/NOPE").status_code == 404
