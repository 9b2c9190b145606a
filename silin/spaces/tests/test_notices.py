"""Notices about bookings are stored as a kind and params and read in the reader's language:
the notices page, the home panel, the unread badge, "My data" and the SMS."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from silin.accounts import sms
from silin.notifications import kinds
from silin.notifications.models import Notification
from silin.notifications.services import notification_send
from silin.spaces.services.notices import RENDERERS
from silin.spaces.tests.factories import local
from silin.spaces.tests.helpers import book

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 12, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in Asia/Shanghai
PARAMS = {
    "space": "棋牌室",
    "starts_at": START.isoformat(),
    "ends_at": (START + dt.timedelta(hours=1)).isoformat(),
    "reason": "维修",
    "by": "三江社工",
    "more": 2,
    "minutes": 15,
    "deadline": (START - dt.timedelta(hours=2)).isoformat(),
}


def _booked_for_liu_in_chinese(cast, room, django_capture_on_commit_callbacks):
    cast.liu.language = "zh-hans"
    cast.liu.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        book(cast.worker, room, local(2, 9), booker=cast.liu)
    return Notification.objects.get(recipient=cast.liu)


def test_a_notice_sent_in_chinese_reads_in_english_once_the_reader_switches(
    cast, world, room, login, django_capture_on_commit_callbacks
):
    notice = _booked_for_liu_in_chinese(cast, room, django_capture_on_commit_callbacks)
    assert notice.kind == "booking_made_for_you" and notice.params["by"] == str(cast.worker)
    # The SMS went out at once, in the language Liu read then.
    assert sms.outbox[-1][0] == cast.liu.mobile and "为您预约了空间" in sms.outbox[-1][1]

    client = login(cast.liu)
    notices = reverse("notifications:notification-list")
    assert "为您预约了空间" in client.get(notices).content.decode()

    cast.liu.language = "en"  # the profile's language applies wherever Liu signs in
    cast.liu.save(update_fields=["language"])
    title = f"{cast.worker} booked a space for you"
    pages = {
        "notices": reverse("notifications:notification-list"),
        "home": reverse("console:home"),
        "my data": reverse("people:my-data"),
    }
    for page, url in pages.items():
        body = client.get(url).content.decode()
        assert title in body, page
        assert "为您预约了空间" not in body, page
    badge = client.get(reverse("notifications:unread-badge")).content.decode()
    assert "1 unread notice" in re.sub(r"<[^>]+>", " ", badge).replace("  ", " ")


def test_the_sms_is_rendered_in_the_recipients_language_not_the_senders(
    cast, world, room, django_capture_on_commit_callbacks
):
    cast.liu.language = "en"
    cast.liu.save(update_fields=["language"])
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        book(cast.worker, room, local(2, 9), booker=cast.liu)
    mobile, text = sms.outbox[-1]
    assert mobile == cast.liu.mobile
    assert text.startswith(f"{cast.worker} booked a space for you 棋牌室, ")


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("kind", sorted(RENDERERS))
def test_every_kind_renders_in_every_language_without_a_query(
    kind, language, django_assert_num_queries
):
    with translation.override(language), django_assert_num_queries(0):
        title, body, url = kinds.render(kind, PARAMS)
    assert title != str(kinds.generic().title) and "棋牌室" in body
    assert url.startswith("/spaces/")


def test_datetimes_are_shown_in_the_readers_zone_and_format():
    with translation.override("en"):
        english = kinds.render("booking_approved", PARAMS).body
    with translation.override("zh-hans"):
        chinese = kinds.render("booking_approved", PARAMS).body
    assert english.endswith("–10:00") and "Dec" in english
    assert chinese == "棋牌室，2027年12月3日 09:00–10:00"
    with timezone.override("UTC"), translation.override("zh-hans"):
        assert kinds.render("booking_approved", PARAMS).body.endswith("01:00–02:00")


def test_a_notice_cancelled_with_no_reason_says_none():
    params = {**PARAMS, "reason": ""}
    with translation.override("en"):
        assert "Reason" not in kinds.render("booking_cancelled", params).body
        assert "Reason: 维修" in kinds.render("booking_cancelled", PARAMS).body


def test_the_notices_page_takes_a_fixed_number_of_queries_with_every_kind(cast, login):
    client = login(cast.liu)
    url = reverse("notifications:notification-list")
    client.get(url)  # the session's first request refreshes it (a write not counted below)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    notification_send(user=cast.liu, kind="booking_approved", params=PARAMS)
    few = count()
    for kind in RENDERERS:
        for _ in range(2):
            notification_send(user=cast.liu, kind=kind, params=PARAMS)
    assert count() == few


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_renders_each_kind_in_the_cookies_language(cast, login, language):
    notification_send(user=cast.liu, kind="waitlist_offer", params=PARAMS)
    client = login(cast.liu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("notifications:notification-list")).content.decode()
    wanted = "A time you waited for is free" if language == "en" else "您候补的时段空出来了"
    assert wanted in body
