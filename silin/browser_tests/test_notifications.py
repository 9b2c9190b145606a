"""The notices page in the browser: the header badge, opening a notice, each language and
长辈版, and axe-core finds nothing serious or critical."""

from __future__ import annotations

import pytest

from silin.browser_tests.conftest import SCREENSHOTS
from silin.notifications.models import Notification
from silin.notifications.services import notification_send

pytestmark = pytest.mark.browser


def _png(visitor, label: str) -> None:
    """A PNG beside the JPEG screenshots, for viewers that read PNG only."""
    visitor.page.screenshot(path=str(SCREENSHOTS / f"notices-{label}.png"), full_page=True)


@pytest.fixture
def notices(cast):
    # Stored as kinds and params; each page below renders them in its own language.
    slot = {
        "space": "邻里荟",
        "starts_at": "2027-12-01T09:00:00+08:00",
        "ends_at": "2027-12-01T11:00:00+08:00",
    }
    notification_send(user=cast.liu, kind="booking_approved", params=slot)
    notification_send(user=cast.liu, kind="booking_reminder_day", params=slot)


@pytest.mark.parametrize(
    ("language", "elderly", "heading"),
    [
        ("zh-hans", False, "我的通知"),
        ("en", False, "My notices"),
        ("zh-hant", False, "我的通知"),
        ("zh-hans", True, "我的通知"),
    ],
    ids=["zh-hans", "en", "zh-hant", "elderly"],
)
def test_the_notices_page_in_each_language_and_in_elderly_mode(
    visitor, cast, notices, language, elderly, heading
):
    cast.liu.language = language
    cast.liu.elderly_mode = elderly
    cast.liu.save(update_fields=["language", "elderly_mode"])
    visitor.login_as(cast.liu)
    visitor.page.goto("/notifications/")
    badge = visitor.page.locator("#unread-badge")
    badge.wait_for()
    assert badge.inner_text().startswith("2")
    visitor.screenshot(f"notices-{language}{'-elderly' if elderly else ''}")
    _png(visitor, f"{language}{'-elderly' if elderly else ''}")
    assert visitor.page.locator("h1").inner_text() == heading
    titles = visitor.page.locator(".notice-list h2").all_inner_texts()
    approved = {"en": "Booking approved", "zh-hant": "預約已批准"}.get(language, "预约已批准")
    assert any(approved in t for t in titles), titles
    if elderly:
        box = visitor.page.get_by_role("button").filter(has_text="标为已读").first.bounding_box()
        assert box["height"] >= 60
    visitor.assert_accessible(f"notices ({language}, elderly={elderly})")


def test_opening_a_notice_marks_it_read_and_the_badge_goes_down(visitor, cast, notices):
    visitor.login_as(cast.liu)
    visitor.visit("/notifications/", label="before")
    _png(visitor, "before-opening")
    visitor.page.locator("button[name=go]").first.click()
    # The link is rendered from the notice's kind: a booking's notices lead to my bookings.
    visitor.page.wait_for_url("**/spaces/bookings/mine/")
    visitor.page.locator("#unread-badge").wait_for()
    assert visitor.page.locator("#unread-badge").inner_text().startswith("1")
    visitor.screenshot("after-opening")
    assert Notification.objects.filter(recipient=cast.liu, read_at__isnull=True).count() == 1
