"""Check-in by the signed QR code: a real code checks in once; a forged code, another
event's code and a sign-up without a place are refused with nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from silin.activities.models import SignUp
from silin.activities.services import checkin, signups
from silin.activities.services.common import ActivityError
from silin.activities.tests.factories import make_soon_event
from silin.lib import signing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def _soon(world, cast, **kw):
    return make_soon_event(world, cast.worker, **kw)


def test_a_real_code_checks_in_once(cast, world):
    event = _soon(world, cast)
    s = signups.signup_create(actor=cast.liu, event=event)
    code = checkin.checkin_code(s)
    # The public key alone verifies it (what an offline scanner does).
    assert signing.verify(code, event.checkin_public_key) == f"SLA1.{event.uuid}.{s.uuid}"
    first, fresh = checkin.signup_check_in(actor=cast.worker, event=event, code=code)
    assert fresh and first.state == SignUp.State.ATTENDED
    again, fresh = checkin.signup_check_in(actor=cast.worker, event=event, code=code)
    assert not fresh and again.checked_in_at == first.checked_in_at


def test_forged_and_other_events_codes_are_refused(cast, world):
    event = _soon(world, cast)
    other = _soon(world, cast)
    s = signups.signup_create(actor=cast.liu, event=event)
    elsewhere = signups.signup_create(actor=cast.liu, event=other)
    code = checkin.checkin_code(s)
    forged = code[:-4] + ("AAAA" if not code.endswith("AAAA") else "BBBB")
    with pytest.raises(ActivityError, match="not a valid"):
        checkin.signup_check_in(actor=cast.worker, event=event, code=forged)
    with pytest.raises(ActivityError, match="not a valid"):
        checkin.signup_check_in(actor=cast.worker, event=event, code="SLA1.x.y.z")
    # Another event's code is signed by another key: not valid here.
    with pytest.raises(ActivityError, match="not a valid"):
        checkin.signup_check_in(
            actor=cast.worker, event=event, code=checkin.checkin_code(elsewhere)
        )
    # A payload naming another event, signed with this event's key, is refused too.
    crafted = signing.sign(f"SLA1.{other.uuid}.{elsewhere.uuid}", event.checkin_private_key)
    with pytest.raises(ActivityError, match="another activity"):
        checkin.signup_check_in(actor=cast.worker, event=event, code=crafted)
    assert not SignUp.objects.filter(state=SignUp.State.ATTENDED).exists()


def test_the_console_checks_in_by_code_and_the_page_shows_the_qr(cast, world, client):
    event = _soon(world, cast)
    s = signups.signup_create(actor=cast.liu, event=event)
    client.force_login(cast.liu)
    page = client.get(reverse("activities:event-detail", args=[event.uuid])).content.decode()
    assert "<svg" in page and "qr-code" in page
    client.force_login(cast.worker)
    url = reverse("activities:check-in", args=[event.uuid])
    client.post(url, {"code": "nonsense"})
    s.refresh_from_db()
    assert s.state == SignUp.State.CONFIRMED
    client.post(url, {"code": checkin.checkin_code(s)})
    s.refresh_from_db()
    assert s.state == SignUp.State.ATTENDED


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
