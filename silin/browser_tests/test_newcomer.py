"""What a new user meets (issue 9): 长辈版 from the login page, the day on the home page,
the error pages, a short "My data", a locked account and a forgotten password."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from silin.accounts import sms
from silin.accounts.models import User
from silin.people.tests.factories import ResidentFactory
from silin.spaces.models import Booking
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, open_every_day

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def room(world, clock):
    clock.move_to(10)
    return open_every_day(SpaceFactory(name="棋艺室", community=world.sanjiang))


def _password_login(page, mobile: str, password: str) -> None:
    page.fill("[name=mobile]", mobile)
    page.fill("[name=password]", password)
    with page.expect_navigation():
        page.locator("#password-login button[type=submit]").click()


def test_elderly_mode_chosen_on_the_login_page_stays_after_login(visitor, cast):
    page = visitor.page
    visitor.visit("accounts:login", label="login")
    with page.expect_navigation():
        page.click("#elderly-toggle")
    assert page.evaluate("document.body.classList.contains('elderly')")
    _password_login(page, cast.liu.mobile, cast.password)
    visitor.screenshot("home-after-login-elderly")
    assert page.evaluate("document.body.classList.contains('elderly')")
    assert User.objects.get(pk=cast.liu.pk).elderly_mode


@pytest.mark.parametrize("phone", [False, True], ids=["wide", "phone"])
def test_liu_finds_his_day_on_his_home_page(visitor, cast, room, phone):
    page = visitor.page
    if phone:
        page.set_viewport_size(PHONE)
    soon = timezone.now() + dt.timedelta(hours=2)
    BookingFactory(
        space=room, booker=cast.liu, starts_at=soon, ends_at=soon + dt.timedelta(hours=1)
    )
    visitor.login_as(cast.liu)
    visitor.visit("console:home", label=f"liu-home-{'phone' if phone else 'wide'}")
    panel = page.locator("#panel-my-bookings")
    assert "棋艺室" in panel.inner_text()
    page.click("#book-a-space")
    page.wait_for_url(re.compile(r"/spaces/$"))
    visitor.assert_accessible("the spaces directory from the home page")


def test_the_worker_sees_deadlines_first_and_one_line_for_data_quality(visitor, cast, world, room):
    page = visitor.page
    for i in range(4):
        ResidentFactory(name=f"缺手机{i}", household=world.liu_household)
    start = timezone.now() + dt.timedelta(hours=3)
    BookingFactory(
        space=room,
        status=Booking.Status.REQUESTED,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        purpose="议事会",
    )
    visitor.login_as(cast.worker)
    visitor.visit("console:home", label="worker-home")
    todos = page.locator("#todos li")
    assert todos.count() == 2
    assert todos.nth(0).get_attribute("id") == "todo-spacesapprovals"
    assert "4" in todos.nth(1).inner_text()  # one grouped line for the four records
    assert "议事会" in page.locator("#panel-spaces-today").inner_text()
    visitor.assert_accessible("the worker's home page")
    todos.nth(1).locator("a").click()
    page.wait_for_url(re.compile(r"follow_up=no_mobile"))
    assert page.locator("#register-results").inner_text().count("缺手机") == 4


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-hans", "找不到这个页面"),
        ("zh-hant", "找不到這個頁面"),
        ("en", "This page cannot be found"),
    ],
)
def test_a_missing_page_is_in_the_readers_language_with_a_way_home(visitor, cast, language, text):
    page = visitor.page
    page.context.add_cookies(
        [{"name": "silin_language", "value": language, "url": visitor.live_server.url}]
    )
    visitor.login_as(cast.liu)
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    visitor.screenshot(f"404-{language}")
    assert text in page.locator("main").inner_text()
    visitor.assert_accessible(f"the 404 page ({language})")
    with page.expect_navigation():
        page.click("#error-home")
    assert page.url.rstrip("/") == visitor.live_server.url


def test_my_data_stays_short_with_a_year_of_bookings(visitor, cast, room):
    start = timezone.now() - dt.timedelta(days=300)
    for i in range(120):
        day = start + dt.timedelta(days=2 * i)
        BookingFactory(
            space=room, booker=cast.liu, starts_at=day, ends_at=day + dt.timedelta(hours=1)
        )
    page = visitor.page
    visitor.login_as(cast.liu)
    visitor.visit("people:my-data", label="my-data-wide")
    assert page.evaluate("document.body.scrollHeight") < 6000
    page.set_viewport_size(PHONE)
    visitor.screenshot("my-data-phone")
    assert page.evaluate("document.body.scrollHeight") < 9000
    visitor.assert_accessible("My data with 120 bookings")


def test_a_locked_account_is_told_the_truth_by_text_message(visitor, cast):
    until = timezone.now() + dt.timedelta(minutes=15)
    User.objects.filter(pk=cast.liu.pk).update(locked_until=until)
    page = visitor.page
    page.goto(visitor.url("accounts:login") + "?method=code")
    page.fill("#code-request [name=mobile]", cast.liu.mobile)
    with page.expect_navigation():
        page.locator("#code-request button[type=submit]").click()
    visitor.screenshot("code-asked-for-a-locked-account")
    notice = page.locator("#code-login [role=status]").inner_text()
    assert "短信" in notice
    [(mobile, text)] = sms.outbox
    assert mobile == cast.liu.mobile and f"{timezone.localtime(until):%H:%M}" in text


def test_a_forgotten_password_is_reset_with_a_texted_code(visitor, cast):
    page = visitor.page
    visitor.visit("accounts:login", label="login")
    with page.expect_navigation():
        page.click("#forgot-password")
    page.fill("#reset-request [name=mobile]", cast.liu.mobile)
    with page.expect_navigation():
        page.locator("#reset-request button[type=submit]").click()
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1])
    assert code
    page.fill("[name=code]", code.group(1))
    page.fill("[name=new_password1]", "邻里相助守望相助-2027")
    page.fill("[name=new_password2]", "邻里相助守望相助-2027")
    visitor.screenshot("reset-confirm")
    visitor.assert_accessible("the new-password form")
    with page.expect_navigation():
        page.locator("#reset-confirm button[type=submit]").click()
    _password_login(page, cast.liu.mobile, "邻里相助守望相助-2027")
    assert page.url.rstrip("/") == visitor.live_server.url
