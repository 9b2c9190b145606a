"""Logging in through the real form, in a real browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _submit_login(page, mobile: str, password: str) -> None:
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=mobile]").fill(mobile)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_resident_logs_in_with_mobile_and_password_and_lands_on_home(visitor, cast):
    page = visitor.page
    visitor.visit("accounts:login")
    _submit_login(page, cast.liu.mobile, cast.password)
    page.wait_for_url(visitor.live_server.url + visitor.url("console:home"))
    visitor.screenshot("after-login")
    assert cast.liu.name in page.locator("header").inner_text()


def test_login_fields_have_labels_a_screen_reader_can_find(visitor, cast):
    """get_by_label only finds inputs whose <label for> points at them."""
    page = visitor.page
    visitor.visit("accounts:login")
    assert page.locator("input[name=mobile]").get_attribute("id")
    for name in ("mobile", "password"):
        input_id = page.locator(f"input[name={name}]").get_attribute("id")
        assert page.locator(f"label[for='{input_id}']").count() == 1


def test_wrong_password_keeps_the_visitor_on_the_login_page_with_a_message(visitor, cast):
    page = visitor.page
    visitor.visit("accounts:login")
    _submit_login(page, cast.liu.mobile, "not-the-password")
    visitor.screenshot("bad-password")
    assert page.get_by_role("alert").is_visible()
    assert page.url.endswith(visitor.url("accounts:login"))
    assert cast.liu.name not in page.locator("header").inner_text()


def test_cookie_login_helper_opens_a_logged_in_page(visitor, cast):
    visitor.login_as(cast.worker)
    visitor.visit("console:home")
    assert cast.worker.name in visitor.page.locator("header").inner_text()
