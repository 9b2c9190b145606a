"""Family proxies (亲情账号) in the browser: 刘大爷's daughter, on her phone in another city,
books the chess room for him; he sees it on his "My data" page and revokes her in one tap;
axe-core on every new page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from silin.browser_tests.test_spaces import TARGETS
from silin.core.acting import Power
from silin.people.tests.proxy_fixtures import grant, make_daughter
from silin.spaces.models import Booking, Space
from silin.spaces.tests.factories import SpaceFactory, open_every_day

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def chess_room(world):
    space = SpaceFactory(
        name="棋艺室",
        kind=Space.Kind.ACTIVITY_CENTRE,
        community=world.sanjiang,
        compound=world.tuoyuan,
        capacity=8,
    )
    return open_every_day(space)


@pytest.fixture
def daughter(cast):
    return make_daughter()


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_the_daughter_books_the_chess_room_for_her_father_from_her_phone(
    visitor, cast, daughter, chess_room
):
    link = grant(
        cast.liu, daughter, actor=cast.worker, powers=(Power.BOOK_SPACES, Power.RECEIVE_NOTICES)
    )
    page = visitor.page
    page.set_viewport_size(PHONE)
    visitor.login_as(daughter)
    visitor.visit("console:home", label="daughter-home")
    assert page.locator("#panel-helping .act-for").count() == 1  # on the home page, and
    _no_sideways_scroll(page)
    page.locator(".acting-switch button").first.click()  # in the header, on every page
    page.wait_for_url(f"**{visitor.url('people:acting-home')}")
    visitor.screenshot("acting-home")
    assert "正在代刘大爷办事" in page.locator("#acting-banner").inner_text()
    visitor.assert_accessible("acting home")
    _no_sideways_scroll(page)
    start = (timezone.localtime() + dt.timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    end = start + dt.timedelta(hours=1)
    visitor.visit(
        f"{visitor.url('spaces:booking-create', chess_room.uuid)}"
        f"?starts_at={start:%Y-%m-%dT%H:%M}&ends_at={end:%Y-%m-%dT%H:%M}",
        label="booking-form",
    )
    page.locator("[name=purpose]").fill("和老朋友下象棋")
    page.locator("[name=attendees]").fill("2")
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_url(f"**/spaces/{chess_room.uuid}/?day={start:%Y-%m-%d}")
    visitor.screenshot("booked")
    booking = Booking.objects.get()
    assert booking.booker == cast.liu
    # A page the powers do not open: refused, with the way back.
    response = page.goto(visitor.url("people:my-data"))
    assert response is not None and response.status == 403
    visitor.screenshot("refused")
    visitor.assert_accessible("acting refused")

    # 刘大爷, on his own phone, in 长辈版: who booked what for him, then one tap to revoke.
    cast.liu.elderly_mode = True
    cast.liu.save(update_fields=["elderly_mode"])
    father = visitor.page.context.browser.new_context(
        base_url=visitor.live_server.url, locale="zh-CN", viewport=PHONE
    )
    try:
        father_page = father.new_page()
        visitor.page = father_page
        visitor.login_as(cast.liu)
        visitor.visit("people:my-data", label="father-my-data")
        done = father_page.locator("#section-people-done-for-you").inner_text()
        assert "女儿 刘小红" in done and "棋艺室" in done
        visitor.assert_accessible("my data")
        visitor.visit("people:family", label="father-family")
        visitor.assert_accessible("my family")
        found = father_page.evaluate(TARGETS)  # 长辈版: large text, large targets
        assert found["font"] >= 18
        assert not found["small"], f"targets under 60×60 px: {found['small']}"
        _no_sideways_scroll(father_page)
        father_page.get_by_role("button", name="取消刘小红的代办").click()
        father_page.wait_for_url(f"**{visitor.url('people:family')}")
        visitor.screenshot("father-revoked")
        link.refresh_from_db()
        assert link.state == "revoked"
    finally:
        father.close()
        visitor.page = page

    # Her next request for him is refused, in the session she still has open.
    page.goto(visitor.url("spaces:space-list"))
    page.wait_for_url(f"**{visitor.url('people:helping')}")
    visitor.screenshot("daughter-after-revoke")
    assert "已不能再代这位家人办事" in page.content()
    assert page.locator("#acting-banner").count() == 0


def test_the_new_pages_pass_axe(visitor, cast, world, daughter):
    grant(cast.liu, daughter, accept=False)
    visitor.login_as(daughter)
    visitor.visit("people:helping", label="helping-invitation")
    visitor.assert_accessible("people I help")
    visitor.login_as(cast.liu)
    visitor.visit("people:proxy-invite", label="invite")
    visitor.assert_accessible("invite")
    visitor.page.get_by_role("button", name="发送邀请").click()
    visitor.screenshot("invite-errors")
    visitor.assert_accessible("invite with errors")
    visitor.login_as(cast.worker)
    visitor.visit("people:resident-detail", world.liu.uuid, label="resident-page")
    visitor.assert_accessible("resident page")
    visitor.visit("people:proxy-consent", world.liu.uuid, label="worker-consent")
    visitor.assert_accessible("worker consent")


@pytest.fixture(autouse=True)
def _midday(clock):
    """The server's clock at noon of the suite's day, so no test depends on the hour."""
    clock.move_to(12)
