"""The header's language buttons and the 长辈版 (elderly-friendly) switch."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _language(page) -> str:
    return page.locator("html").get_attribute("lang")


def _choose_language(visitor, code: str) -> None:
    page = visitor.page
    with page.expect_navigation():
        page.locator(f"#language-form button[name=language][value='{code}']").click()
    visitor.screenshot(f"language-{code}")


def test_chinese_is_the_default_and_the_english_button_switches_the_page(visitor, cast):
    page = visitor.page
    visitor.visit("accounts:login")
    assert _language(page) == "zh-hans"
    assert "Log in" not in page.locator("main h1").inner_text()  # zh-hans is complete

    _choose_language(visitor, "en")
    assert _language(page) == "en"
    assert page.locator("main h1").inner_text().strip() == "Log in"
    assert page.url.endswith(visitor.url("accounts:login"))  # stays on the same page


def test_english_stays_chosen_after_logging_in_and_moving_between_pages(visitor, cast):
    page = visitor.page
    visitor.login_as(cast.worker)
    visitor.visit("console:home")
    assert "Log out" not in page.locator("header").inner_text()  # the header is translated
    _choose_language(visitor, "en")
    assert _language(page) == "en"
    assert "Log out" in page.locator("header").inner_text()
    visitor.visit("accounts:profile")
    assert _language(page) == "en"


def test_traditional_chinese_button_switches_to_zh_hant(visitor, cast):
    page = visitor.page
    visitor.visit("accounts:login")
    _choose_language(visitor, "zh-hant")
    assert _language(page) == "zh-hant"
    pressed = page.locator("#language-form button[value='zh-hant']")
    assert pressed.get_attribute("aria-pressed") == "true"


ELDERLY_CHECK = """() => {
  const body = getComputedStyle(document.body);
  const fontSize = parseFloat(body.fontSize);
  const lh = body.lineHeight === 'normal' ? 1.2 * fontSize : parseFloat(body.lineHeight);
  const small = [];
  for (const el of document.querySelectorAll(
      'button, .btn, input[type=submit], a.nav-link, .page-link')) {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
    if (r.width < 60 || r.height < 60) {
      small.push({text: (el.innerText || el.value || el.id || el.className).trim().slice(0, 40),
                  width: Math.round(r.width), height: Math.round(r.height)});
    }
  }
  return {fontSize, lineHeight: lh, small, elderly: document.body.classList.contains('elderly')};
}"""


def _assert_elderly_layout(page, where: str) -> None:
    found = page.evaluate(ELDERLY_CHECK)
    assert found["elderly"], f"{where}: body lost the elderly class"
    assert found["fontSize"] >= 18, f"{where}: body font-size {found['fontSize']}px < 18px"
    assert found["lineHeight"] >= 1.3 * found["fontSize"], (
        f"{where}: line-height {found['lineHeight']}px < 1.3 × {found['fontSize']}px"
    )
    assert not found["small"], f"{where}: targets smaller than 60×60 px: {found['small']}"


def test_elderly_switch_enlarges_text_and_targets_and_is_remembered(visitor, cast):
    page = visitor.page
    visitor.login_as(cast.liu)
    visitor.visit("console:home")
    toggle = page.locator("#elderly-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    with page.expect_navigation():
        toggle.click()
    visitor.screenshot("elderly-on")
    assert page.locator("#elderly-toggle").get_attribute("aria-pressed") == "true"
    _assert_elderly_layout(page, "home")

    visitor.visit("accounts:profile")
    _assert_elderly_layout(page, "profile")
    cast.liu.refresh_from_db()
    assert cast.liu.elderly_mode is True

    with page.expect_navigation():
        page.locator("#elderly-toggle").click()
    visitor.screenshot("elderly-off")
    assert not page.evaluate("document.body.classList.contains('elderly')")


def test_elderly_switch_works_before_logging_in(visitor):
    page = visitor.page
    visitor.visit("accounts:login")
    with page.expect_navigation():
        page.locator("#elderly-toggle").click()
    visitor.screenshot("login-elderly")
    _assert_elderly_layout(page, "login")


def test_elderly_login_page_fits_a_phone_without_sideways_scrolling(visitor):
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies(
        [{"name": "silin_elderly", "value": "1", "url": visitor.live_server.url}]
    )
    visitor.visit("accounts:login", label="login-phone-elderly")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a 390px phone"
