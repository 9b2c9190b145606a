"""iCalendar feeds and door QR codes: the documents parse and say the right things."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from silin.lib.qr import qr_png, qr_svg
from silin.spaces.ical import FeedEvent, build_calendar
from silin.spaces.models import Booking
from silin.spaces.services.feeds import personal_feed_rotate, personal_feed_token
from silin.spaces.tests.factories import BookingFactory, SpaceFactory

TZ = ZoneInfo("Asia/Shanghai")


def _event(**overrides) -> FeedEvent:
    values: dict[str, Any] = {
        "uid": "booking-1@silin",
        "summary": "象棋",
        "starts_at": dt.datetime(2026, 12, 1, 9, tzinfo=TZ),
        "ends_at": dt.datetime(2026, 12, 1, 11, tzinfo=TZ),
        "location": "沱源 邻里荟",
        "cancelled": False,
        "tentative": False,
        "stamp": dt.datetime(2026, 11, 29, 9, tzinfo=TZ),
    }
    values.update(overrides)
    return FeedEvent(**values)


def test_the_builder_writes_a_calendar_that_parses_back_with_local_times():
    body = build_calendar(name="我的预约", events=[_event(), _event(uid="b2", cancelled=True)])
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["booking-1@silin", "b2"]
    assert events[0].decoded("DTSTART") == dt.datetime(2026, 12, 1, 9, tzinfo=TZ)
    assert str(events[0]["STATUS"]) == "CONFIRMED"
    assert str(events[1]["STATUS"]) == "CANCELLED"
    assert str(calendar["X-WR-CALNAME"]) == "我的预约"
    assert calendar.walk("VTIMEZONE")


def test_a_request_still_waiting_for_approval_is_tentative():
    body = build_calendar(name="x", events=[_event(tentative=True)])
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE"


def test_the_qr_svg_is_an_inline_svg_with_its_title_escaped():
    svg = qr_svg("https://example.org/spaces/check-in/abc/", title="A & B")
    assert svg.startswith("<svg")
    assert "<title>A &amp; B</title>" in svg
    assert 'class="qr-code"' in svg


def test_the_qr_png_is_a_png():
    assert qr_png("https://example.org/x").startswith(b"\x89PNG\r\n\x1a\n")


# -- the feed views ----------------------------------------------------------------------------


def _local(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def room(world):
    return SpaceFactory(name="邻里荟", community=world.sanjiang, compound=world.tuoyuan)


def _events(response) -> dict[str, Any]:
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_personal_feed_lists_my_bookings_with_stable_uids_and_cancellations(room, cast, client):
    kept = BookingFactory(space=room, booker=cast.liu, starts_at=_local(1, 9))
    dropped = BookingFactory(
        space=room, booker=cast.liu, starts_at=_local(2, 9), status=Booking.Status.CANCELLED
    )
    token = personal_feed_token(user=cast.liu)
    url = reverse("spaces:my-feed", args=[token])
    events = _events(client.get(url))  # no login: the token is the credential
    assert set(events) == {f"booking-{kept.uuid}@silin", f"booking-{dropped.uuid}@silin"}
    assert str(events[f"booking-{kept.uuid}@silin"]["STATUS"]) == "CONFIRMED"
    assert str(events[f"booking-{dropped.uuid}@silin"]["STATUS"]) == "CANCELLED"
    assert events[f"booking-{kept.uuid}@silin"].decoded("DTSTART") == _local(1, 9)
    assert set(_events(client.get(url))) == set(events)  # the same UIDs on every read


def test_the_personal_feed_shows_nobody_elses_bookings(room, cast, client):
    BookingFactory(space=room, booker=cast.volunteer, starts_at=_local(1, 9))
    token = personal_feed_token(user=cast.liu)
    assert _events(client.get(reverse("spaces:my-feed", args=[token]))) == {}


def test_a_rotated_personal_token_no_longer_answers(room, cast, client):
    old = personal_feed_token(user=cast.liu)
    new = personal_feed_rotate(actor=cast.liu)
    assert client.get(reverse("spaces:my-feed", args=[old])).status_code == 404
    assert client.get(reverse("spaces:my-feed", args=[new])).status_code == 200


def test_the_space_feed_shows_when_it_is_taken_but_not_who_or_why(room, cast, client):
    BookingFactory(space=room, booker=cast.liu, purpose="刘大爷下棋", starts_at=_local(1, 9))
    response = client.get(reverse("spaces:space-feed", args=[room.feed_token]))
    (event,) = _events(response).values()
    body = response.content.decode()
    assert "刘大爷" not in body
    assert str(event["LOCATION"]).startswith("邻里荟")


def test_a_wrong_feed_token_is_404(client, db):
    assert client.get(reverse("spaces:space-feed", args=["nope"])).status_code == 404
    assert client.get(reverse("spaces:my-feed", args=["nope"])).status_code == 404
