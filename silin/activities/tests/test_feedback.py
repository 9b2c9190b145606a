from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from silin.activities.models import Feedback
from silin.activities.services import feedback, signups
from silin.activities.services.common import ActivityError
from silin.activities.tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended(cast, world):
    start = timezone.now() + dt.timedelta(minutes=30)
    event = make_event(world, cast.worker, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    s = signups.signup_create(actor=cast.liu, event=event)
    return signups.signup_mark(actor=cast.worker, signup=s, attended=True)


def test_feedback_once_only_after_attending(cast, attended):
    with translation.override("en"):
        with pytest.raises(ActivityError, match="1 to 5"):
            feedback.feedback_give(actor=cast.liu, signup=attended, rating=6)
        with pytest.raises(PermissionDenied):
            feedback.feedback_give(actor=cast.worker, signup=attended, rating=5)
        feedback.feedback_give(actor=cast.liu, signup=attended, rating=5, comment="很热闹")
        with pytest.raises(ActivityError, match="already"):
            feedback.feedback_give(actor=cast.liu, signup=attended, rating=4)
    assert Feedback.objects.get().rating == 5


def test_elderly_page_offers_three_large_faces(cast, attended, client):
    cast.liu.elderly_mode = True
    cast.liu.save(update_fields=["elderly_mode"])
    client.force_login(cast.liu)
    url = reverse("activities:event-detail", args=[attended.event.uuid])
    page = client.get(url).content.decode()
    assert page.count('name="rating"') == 3 and "😊" in page
    client.post(reverse("activities:feedback-give", args=[attended.uuid]), {"rating": "5"})
    assert Feedback.objects.get().rating == 5
    assert "😊" not in client.get(url).content.decode()
    client.force_login(cast.worker)
    console = client.get(reverse("activities:console", args=[attended.event.uuid]))
    assert "5.0" in console.content.decode()


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
