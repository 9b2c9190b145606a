"""A family proxy holding "sign up for activities" signs 刘大爷 up (the audit names both);
without that power, or on the organiser's console, the pages answer 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.activities.models import SignUp
from silin.activities.tests.factories import make_event
from silin.core.acting import Power
from silin.core.models import AuditEntry
from silin.people.tests.proxy_fixtures import grant, make_daughter

pytestmark = pytest.mark.django_db


def _acting(login, proxy, link):
    client = login(proxy)
    response = client.post(reverse("people:acting-start", args=[link.uuid]))
    assert response.status_code == 302
    return client


def test_the_daughter_signs_her_father_up_and_both_are_recorded(cast, world, login):
    event = make_event(world, cast.worker)
    daughter = make_daughter()
    link = grant(cast.liu, daughter, actor=cast.worker, powers=(Power.SIGN_UP_ACTIVITIES,))
    client = _acting(login, daughter, link)
    assert client.get(reverse("activities:event-list")).status_code == 200
    response = client.post(
        reverse("activities:signup-create", args=[event.uuid]), {"companions": 0}
    )
    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert signup.person == cast.liu
    entry = AuditEntry.objects.get(object_uuid=str(signup.uuid))
    assert entry.actor_id == daughter.pk and entry.on_behalf_of_id == cast.liu.pk
    assert client.get(reverse("activities:console", args=[event.uuid])).status_code == 403


def test_without_the_power_the_pages_are_closed(cast, world, login):
    event = make_event(world, cast.worker)
    daughter = make_daughter()
    link = grant(cast.liu, daughter, actor=cast.worker, powers=(Power.BOOK_SPACES,))
    client = _acting(login, daughter, link)
    assert client.get(reverse("activities:event-detail", args=[event.uuid])).status_code == 403
    assert not SignUp.objects.exists()
