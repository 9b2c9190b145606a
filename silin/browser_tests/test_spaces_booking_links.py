"""Issue 9 in the browser, the booking side: a booking link opened on its own works with
and without JavaScript and says why a slot cannot be booked; the calendar stays on the day
booked; a person booked elsewhere at the same time is warned; a second tab that lost the
race is told what happened; a worker starts from a resident; and the small visual slips
(the 长辈版 breadcrumb, the last half hour, the legend)."""

from __future__ import annotations

import datetime as dt

import pytest

from silin.browser_tests.conftest import Visitor
from silin.spaces.models import Booking, OpeningHours, Space
from silin.spaces.tests.factories import (
    BlockedPeriodFactory,
    BookingFactory,
    SpaceFactory,
    local,
    open_every_day,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def rooms(world, cast, clock):
    """At 10:00 of the suite's day: 棋艺室 and 邻里荟, both open to 刘大爷, 08:00–21:30."""
    clock.move_to(10)
    chess = open_every_day(
        SpaceFactory(
            name="棋艺室",
            kind=Space.Kind.ACTIVITY_CENTRE,
            community=world.sanjiang,
            compound=world.tuoyuan,
            capacity=8,
        ),
        closes=dt.time(21, 30),
    )
    lounge = open_every_day(
        SpaceFactory(
            name="邻里荟",
            kind=Space.Kind.LOUNGE,
            community=world.sanjiang,
            compound=world.tuoyuan,
            capacity=30,
        ),
        closes=dt.time(21, 30),
    )
    return chess, lounge


def _slot_path(visitor, space, start: dt.datetime, hours: float = 1) -> str:
    end = start + dt.timedelta(hours=hours)
    return (
        visitor.url("spaces:booking-create", space.uuid)
        + f"?starts_at={start:%Y-%m-%dT%H:%M}&ends_at={end:%Y-%m-%dT%H:%M}"
    )


def _errors(page) -> list[str]:
    """Collect the page's JavaScript errors and failed htmx swaps as they happen."""
    found: list[str] = []
    page.on("pageerror", lambda exc: found.append(str(exc)))
    page.on(
        "console",
        lambda msg: found.append(msg.text) if msg.type == "error" or "htmx:" in msg.text else None,
    )
    return found


def _english(visitor) -> None:
    visitor.page.context.add_cookies(
        [{"name": "silin_language", "value": "en", "url": visitor.live_server.url}]
    )


def _elderly(user) -> None:
    user.elderly_mode = True
    user.save(update_fields=["elderly_mode"])


# -- item 1: the booking page opened from its own link -------------------------------------


@pytest.fixture
def no_js_visitor(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        java_script_enabled=False,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield Visitor(page, live_server, request)
    context.close()


def test_the_booking_link_opened_on_its_own_books_without_javascript(no_js_visitor, cast, rooms):
    chess, _lounge = rooms
    visitor, page = no_js_visitor, no_js_visitor.page
    visitor.login_as(cast.liu)
    start = local(2, 15)
    visitor.visit(_slot_path(visitor, chess, start), label="standalone-no-js")
    page.locator("[name=purpose]").fill("下象棋")
    with page.expect_navigation():
        page.get_by_role("button", name="确认预约").click()
    visitor.screenshot("booked-no-js")
    assert f"/spaces/{chess.uuid}/?day={start:%Y-%m-%d}" in page.url
    assert "预约成功" in page.locator(".messages").inner_text()
    booking = Booking.objects.get()
    assert (booking.booker, booking.starts_at) == (cast.liu, start)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_booking_link_opened_on_its_own_books_with_htmx_loaded(visitor, cast, rooms, width):
    chess, _lounge = rooms
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 844})
    errors = _errors(page)
    visitor.login_as(cast.liu)
    start = local(3, 16)
    visitor.visit(_slot_path(visitor, chess, start), label=f"standalone-{width}")
    visitor.assert_accessible("the booking page on its own")
    page.locator("[name=purpose]").fill("下象棋")
    with page.expect_navigation():
        page.get_by_role("button", name="确认预约").click()
    visitor.screenshot(f"booked-{width}")
    assert not errors, errors
    assert "预约成功" in page.locator(".messages").inner_text()
    assert Booking.objects.get().starts_at == start
    # Back on the space page, the calendar shows the day booked (one day at a time on a phone).
    booked_day = page.locator("#week-calendar .week-day").filter(has=page.locator(".slot.mine"))
    assert booked_day.count() == 1 and booked_day.first.is_visible()
    if width == 390:
        assert page.locator("#week-calendar .week-day:visible").count() == 1


def test_not_now_on_the_page_on_its_own_goes_back_to_the_space_page(visitor, cast, rooms):
    chess, _lounge = rooms
    page = visitor.page
    errors = _errors(page)
    visitor.login_as(cast.liu)
    start = local(4, 9)
    visitor.visit(_slot_path(visitor, chess, start), label="standalone")
    with page.expect_navigation():
        page.get_by_role("link", name="先不约").click()
    assert page.url.endswith(f"/spaces/{chess.uuid}/?day={start:%Y-%m-%d}")
    assert not errors, errors
    assert not Booking.objects.exists()


REFUSALS = [
    ("taken", "这个时间已经被约了"),
    ("past", "这个时间已经过去了"),
    ("closed", "这个时间空间不开放"),
    ("horizon", "这个时间太远，现在还不能预约"),
    ("blocked", "这个时间暂停预约"),
]


@pytest.mark.parametrize(("case", "heading"), REFUSALS, ids=[c for c, _h in REFUSALS])
def test_the_page_on_its_own_says_why_a_slot_cannot_be_booked(visitor, cast, rooms, case, heading):
    chess, _lounge = rooms
    BookingFactory(space=chess, starts_at=local(1, 9), ends_at=local(1, 10))
    BlockedPeriodFactory(
        space=chess, starts_at=local(1, 14), ends_at=local(1, 16), reason="消防检查"
    )
    start = {
        "taken": local(1, 9),
        "past": local(0, 8),
        "closed": local(1, 23),
        "horizon": local(chess.book_ahead_days + 3, 9),
        "blocked": local(1, 14),
    }[case]
    page = visitor.page
    visitor.login_as(cast.liu)
    visitor.visit(_slot_path(visitor, chess, start), label=f"refused-{case}")
    refusal = page.locator("#slot-refusal")
    assert heading in refusal.inner_text()
    assert page.locator("#booking-form").count() == 0  # no form to fill in for nothing
    visitor.assert_accessible(f"refused booking page ({case})")
    if case == "blocked":
        assert "消防检查" in refusal.inner_text()
    if case == "taken":
        with page.expect_navigation():
            refusal.get_by_role("link", name="登记候补").click()
        assert page.locator("#waitlist-form").is_visible()
        visitor.screenshot("waitlist-from-refusal")
    else:
        assert refusal.get_by_role("link", name="登记候补").count() == 0


# -- item 3: the day booked stays in view --------------------------------------------------


@pytest.mark.parametrize(
    ("width", "elderly"), [(390, False), (1280, True)], ids=["phone", "elderly-wide"]
)
def test_after_booking_one_day_at_a_time_the_calendar_stays_on_the_day_booked(
    visitor, cast, rooms, width, elderly
):
    chess, _lounge = rooms
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 844})
    if elderly:
        _elderly(cast.liu)
    visitor.login_as(cast.liu)
    following = local(7, 9).date()
    visitor.visit(f"/spaces/{chess.uuid}/?week={following.isoformat()}", label="calendar")
    page.locator("#week-calendar .day-pick").nth(3).click()
    thursday = page.locator("#week-calendar .week-day").nth(3)
    thursday.locator("a.slot.free").first.click()
    form = page.locator("#slot-panel form#booking-form")
    form.locator("[name=purpose]").fill("下象棋")
    form.get_by_role("button").first.click()
    page.locator("#slot-panel .booking-done").wait_for()
    page.locator("#week-calendar .slot.mine").first.wait_for()
    visitor.screenshot(f"booked-day-kept-{width}")
    visible = page.locator("#week-calendar .week-day:visible")
    assert visible.count() == 1
    assert visible.first.locator(".slot.mine").count() == 1
    assert page.locator("#week-calendar .day-pick").nth(3).get_attribute("aria-pressed") == "true"
    booking = Booking.objects.get()
    assert booking.starts_at.weekday() == 3


# -- item 9: booked elsewhere at the same time ---------------------------------------------


def test_liu_is_warned_of_his_booking_elsewhere_and_may_book_anyway(visitor, cast, rooms):
    chess, lounge = rooms
    BookingFactory(space=chess, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 11))
    page = visitor.page
    errors = _errors(page)
    visitor.login_as(cast.liu)
    # The week of the day after tomorrow: on a Saturday or Sunday it is next week's.
    visitor.visit(f"/spaces/{lounge.uuid}/?day={local(2, 10):%Y-%m-%d}", label="lounge")
    slot = page.locator(
        f"#week-calendar a.slot.free[href*='starts_at={local(2, 10):%Y-%m-%dT%H}']"
    ).first
    slot.click()
    form = page.locator("#slot-panel form#booking-form")
    form.locator("[name=purpose]").fill("喝茶")
    form.get_by_role("button", name="确认预约").click()
    warning = page.locator("#slot-panel #overlap-warning")
    warning.wait_for()
    visitor.screenshot("overlap-warning")
    assert "棋艺室" in warning.inner_text() and "09:00–11:00" in warning.inner_text()
    assert not Booking.objects.filter(space=lounge).exists()
    visitor.assert_accessible("the overlap warning")
    page.locator("#slot-panel").get_by_role("button", name="仍要预约").click()
    page.locator("#slot-panel .booking-done").wait_for()
    assert Booking.objects.filter(space=lounge, booker=cast.liu).count() == 1
    assert not errors, errors


def test_a_worker_starts_from_liu_in_the_directory_and_is_warned_of_his_other_booking(
    visitor, cast, rooms
):
    chess, lounge = rooms
    BookingFactory(space=chess, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 11))
    page = visitor.page
    visitor.login_as(cast.worker)
    visitor.visit(f"/spaces/?for={cast.liu.resident.uuid}", label="directory-for-liu")
    assert "刘大爷" in page.locator("#booking-for").inner_text()
    visitor.assert_accessible("directory while booking for a resident")
    card = page.locator(".space-card").filter(has_text="邻里荟")
    with page.expect_navigation():
        card.get_by_role("link", name="为刘大爷预约这里").click()
    assert page.locator(f"input[name=resident][value='{cast.liu.resident.uuid}']").is_checked()
    visitor.screenshot("on-behalf-preselected")
    visitor.assert_accessible("on-behalf page with the resident chosen")
    start = local(2, 10)
    page.locator("[name=starts_at]").fill(f"{start:%Y-%m-%dT%H:%M}")
    page.locator("[name=ends_at]").fill(f"{start + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}")
    page.locator("[name=purpose]").fill("喝茶")
    with page.expect_navigation():
        page.get_by_role("button", name="为这位居民预约").click()
    assert "刘大爷在这个时间已经约了" in page.locator("#overlap-warning").inner_text()
    visitor.screenshot("on-behalf-warned")
    with page.expect_navigation():
        page.get_by_role("button", name="仍要预约").click()
    assert f"/spaces/{lounge.uuid}/day/" in page.url
    assert Booking.objects.get(space=lounge).booked_by == cast.worker
    # The banner's way out: the directory as usual.
    visitor.visit(f"/spaces/?for={cast.liu.resident.uuid}", label="directory-again")
    with page.expect_navigation():
        page.get_by_role("link", name="不再为刘大爷预约").click()
    assert page.locator("#booking-for").count() == 0


# -- item 13: the tab that lost the race ---------------------------------------------------


def test_the_tab_that_lost_the_race_is_told_someone_else_booked_it(visitor, cast, rooms):
    chess, _lounge = rooms
    page = visitor.page
    visitor.login_as(cast.liu)
    start = local(2, 15)
    visitor.visit(_slot_path(visitor, chess, start), label="second-tab")
    page.locator("[name=purpose]").fill("下象棋")
    BookingFactory(space=chess, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    with page.expect_navigation():
        page.get_by_role("button", name="确认预约").click()
    visitor.screenshot("lost-the-race")
    text = page.locator("main").inner_text()
    assert "别人刚刚约走了这个时间" in text and "标出" not in text
    assert page.locator("#slot-refusal").get_by_role("link", name="登记候补").is_visible()


# -- item 14: small visual slips -----------------------------------------------------------


def test_the_last_half_hour_before_closing_is_offered(visitor, cast, rooms):
    chess, _lounge = rooms
    visitor.login_as(cast.liu)
    following = local(7, 9).date()
    visitor.visit(f"/spaces/{chess.uuid}/?week={following.isoformat()}", label="half-hour")
    monday = visitor.page.locator("#week-calendar .week-day").first
    assert "21:00–21:30" in monday.inner_text()


def test_in_elderly_mode_the_breadcrumb_sits_on_one_line_and_the_legend_is_no_button(
    visitor, cast, rooms
):
    chess, _lounge = rooms
    page = visitor.page
    _elderly(cast.liu)
    visitor.login_as(cast.liu)
    visitor.visit(_slot_path(visitor, chess, local(2, 9)), label="elderly-breadcrumb")
    centres = page.evaluate(
        """() => [...document.querySelectorAll('.breadcrumb-item')].map(li => {
             const el = li.querySelector('a') || li;
             const range = document.createRange(); range.selectNodeContents(el);
             const r = range.getBoundingClientRect(); return r.top + r.height / 2; })"""
    )
    assert len(centres) == 3 and max(centres) - min(centres) <= 3, centres
    visitor.visit("spaces:space-detail", uuid=chess.uuid, label="elderly-legend")
    legend = page.locator(".slot-legend li").first
    box = legend.bounding_box()
    assert box and box["height"] < 45  # a line of text, not a 60 px target
    assert page.locator(".slot-legend .slot, .slot-legend a, .slot-legend button").count() == 0


# -- screenshots of the changed pages in each language and mode ----------------------------


VIEWS = [
    ("zh-wide", "zh-hans", 1280, False),
    ("zh-phone-elderly", "zh-hans", 390, True),
    ("en-phone", "en", 390, False),
    ("en-wide-elderly", "en", 1280, True),
]


@pytest.mark.parametrize(
    ("label", "language", "width", "elderly"), VIEWS, ids=[v[0] for v in VIEWS]
)
def test_the_changed_booking_pages_in_each_language_and_mode(
    visitor, cast, rooms, label, language, width, elderly
):
    chess, lounge = rooms
    BookingFactory(space=chess, starts_at=local(1, 9), ends_at=local(1, 10))
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 844})
    if language == "en":
        _english(visitor)
    if elderly:
        _elderly(cast.worker)
    visitor.login_as(cast.worker)
    pages = [
        ("space", f"/spaces/{chess.uuid}/"),
        ("book", _slot_path(visitor, chess, local(2, 9))),
        ("refused", _slot_path(visitor, chess, local(1, 9))),
        ("directory-for", f"/spaces/?for={cast.liu.resident.uuid}"),
        ("behalf", f"/spaces/{lounge.uuid}/book/on-behalf/?resident={cast.liu.resident.uuid}"),
    ]
    for name, path in pages:
        visitor.visit(path, label=f"{label}-{name}")
        visitor.assert_accessible(f"{name} ({label})")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    if language == "en":
        visitor.visit(f"/spaces/{chess.uuid}/", label=f"{label}-space-words")
        text = page.locator("main").inner_text()
        assert "Gone by" not in text and "(Residents of" not in text
        assert "It is open to the residents of its community." in text
        assert "a.m." not in text and "p.m." not in text


def test_the_opening_hours_table_shows_the_half_hour(visitor, cast, rooms):
    chess, _lounge = rooms
    assert OpeningHours.objects.filter(space=chess, closes=dt.time(21, 30)).count() == 7
    visitor.login_as(cast.liu)
    visitor.visit("spaces:space-detail", uuid=chess.uuid, label="hours")
    assert "08:00–21:30" in visitor.page.locator("#hours-heading + table").inner_text()
