"""A family proxy holding "ask for and confirm help" asks for help for 刘大爷 and confirms
the service he received (the audit names both); without that power, or on the helper's
and the coordinator's pages, the answer is 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.core.acting import Power
from silin.core.models import AuditEntry
from silin.mutualaid.models import HelpRequest, ServiceRecord
from silin.mutualaid.tests.factories import make_helper, make_record, make_request
from silin.people.tests.proxy_fixtures import grant, make_daughter

pytestmark = pytest.mark.django_db


def _acting(login, proxy, link):
    client = login(proxy)
    assert client.post(reverse("people:acting-start", args=[link.uuid])).status_code == 302
    return client


def test_the_daughter_asks_for_her_father_and_confirms_his_service(cast, world, login, clock):
    clock.move_to(9)
    daughter = make_daughter()
    link = grant(cast.liu, daughter, actor=cast.worker, powers=(Power.ASK_HELP,))
    client = _acting(login, daughter, link)
    assert client.get(reverse("mutualaid:need")).status_code == 200
    made = client.post(
        reverse("mutualaid:ask", args=["meals"]),
        {"when": "tomorrow_morning", "agreed_minutes": 60, "urgency": "normal"},
    )
    assert made.status_code == 302
    asked = HelpRequest.objects.get()
    assert (asked.requester, asked.raised_as) == (world.liu, HelpRequest.RaisedAs.FAMILY)
    entry = AuditEntry.objects.get(object_uuid=str(asked.uuid))
    assert entry.actor_id == daughter.pk and entry.on_behalf_of_id == cast.liu.pk

    tang = make_helper(unit=world.tuoyuan_unit, floor=3)
    done = make_request(world.liu, state=HelpRequest.State.DONE, helper=tang)
    record = make_record(
        done, minutes=60, state=ServiceRecord.State.PENDING, checked_in_at=done.window_start
    )
    client.post(reverse("mutualaid:service-confirm", args=[record.uuid]))
    record.refresh_from_db()
    assert record.state == ServiceRecord.State.COMMITTED
    # The helper's and the coordinator's pages are not opened by this power.
    assert client.get(reverse("mutualaid:helping")).status_code == 403
    assert client.get(reverse("mutualaid:board-index")).status_code == 403


def test_without_the_power_the_pages_are_closed(cast, world, login):
    daughter = make_daughter()
    link = grant(cast.liu, daughter, actor=cast.worker, powers=(Power.BOOK_SPACES,))
    client = _acting(login, daughter, link)
    assert client.get(reverse("mutualaid:need")).status_code == 403
    assert (
        client.post(reverse("mutualaid:ask", args=["meals"]), {"when": "this_week"}).status_code
        == 403
    )
    assert not HelpRequest.objects.exists()
