"""iCalendar feeds and door QR codes: the documents parse and say the right things."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from silin.lib.qr import qr_png, qr_svg
from silin.spaces.ical import FeedEvent, build_calendar

TZ = ZoneInfo("Asia/Shanghai")


def _event(**overrides) -> FeedEvent:
    values = {
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
