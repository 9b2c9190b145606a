"""刘大爷's week in the browser: find the chess room with the filters, book a slot from the
week calendar in two taps, see it in "my bookings", check in through the door link; the
pages in English, and 长辈版's 60×60 px targets on the space page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from silin.spaces.models import Booking, Space
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, open_every_day

pytestmark = pytest.mark.browser


@pytest.fixture
def chess_room(world):
    open_every_day(
        SpaceFactory(name="阅读吧", kind=Space.Kind.READING_BAR, community=world.sanjiang)
    )
    space = SpaceFactory(
        name="邻里荟棋牌室",
        kind=Space.Kind.ACTIVITY_CENTRE,
        community=world.sanjiang,
        compound=world.tuoyuan,
        capacity=8,
        step_free=True,
        amenities=["chess", "tea"],
    )
    return open_every_day(space)


def test_liu_finds_the_chess_room_books_a_slot_and_sees_it_in_my_bookings(
    visitor, cast, chess_room
):
    page = visitor.page
    visitor.login_as(cast.liu)
    visitor.visit("spaces:space-list", label="directory")
    assert "阅读吧" in page.locator("#space-results").inner_text()

    page.locator("#f-kind").select_option("activity_centre")
    page.wait_for_function(
        "() => !document.querySelector('#space-results').innerText.includes('阅读吧')"
    )
    visitor.screenshot("directory-filtered")
    assert "kind=activity_centre" in page.url  # the filter is in the address

    page.get_by_role("link", name="邻里荟棋牌室").click()
    page.wait_for_url(f"**/spaces/{chess_room.uuid}/")
    visitor.screenshot("space-page")

    week_label = page.locator("#week-label").inner_text()
    page.get_by_role("link", name="下一周").first.click()
    page.wait_for_function(
        "label => document.querySelector('#week-label').innerText !== label", arg=week_label
    )
    assert page.url.endswith(f"/spaces/{chess_room.uuid}/")  # no full reload

    # Tap one: a free slot opens the small confirm form.
    page.locator("#week-calendar a.slot.free").first.click()
    form = page.locator("#slot-panel form#booking-form")
    form.wait_for()
    # Keyboard and screen-reader users land on the form, not back at the slot they tapped.
    page.wait_for_function("document.activeElement.classList.contains('panel-title')")
    form.locator("[name=purpose]").fill("下象棋")
    visitor.screenshot("confirm-form")
    # Too many people: the refusal appears next to the field, in the panel; nothing booked.
    form.locator("[name=attendees]").fill("30")
    form.get_by_role("button").first.click()
    page.locator("#slot-panel #attendees-errors").wait_for()
    visitor.screenshot("confirm-form-error")
    assert "8" in page.locator("#slot-panel #attendees-errors").inner_text()
    assert not Booking.objects.exists()
    form = page.locator("#slot-panel form#booking-form")
    form.locator("[name=attendees]").fill("4")
    # Tap two: confirm.
    form.get_by_role("button").first.click()
    page.locator("#slot-panel .booking-done").wait_for()
    page.locator("#week-calendar .slot.mine").first.wait_for()
    visitor.screenshot("booked")

    booking = Booking.objects.get()
    assert (booking.booker, booking.purpose) == (cast.liu, "下象棋")
    assert booking.status == Booking.Status.APPROVED

    page.locator("#slot-panel").get_by_role("link", name="我的预约").click()
    page.wait_for_url("**/spaces/bookings/mine/")
    visitor.screenshot("my-bookings")
    assert "邻里荟棋牌室" in page.locator("section[aria-labelledby=upcoming-heading]").inner_text()


def test_liu_checks_in_through_the_door_link(visitor, cast, chess_room, clock):
    now = clock.move_to(10)
    booking = BookingFactory(
        space=chess_room,
        booker=cast.liu,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=55),
    )
    page = visitor.page
    check_in = f"/spaces/check-in/{chess_room.door_token}/"
    visitor.visit(check_in, label="door-link-logged-out")
    assert "/accounts/login/" in page.url  # log in first, then back here

    visitor.login_as(cast.liu)
    visitor.visit(check_in, label="door-link")
    page.get_by_role("button", name="我要签到").click()
    page.locator(".alert-success").wait_for()
    visitor.screenshot("checked-in")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


def test_the_space_page_switches_to_english(visitor, cast, chess_room):
    page = visitor.page
    visitor.login_as(cast.liu)
    visitor.visit("spaces:space-detail", uuid=chess_room.uuid, label="space-zh")
    assert "开放时间" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator("#language-form button[value='en']").click()
    visitor.screenshot("space-en")
    text = page.locator("main").inner_text()
    assert "Opening hours" in text and "How booking works here" in text
    assert page.url.endswith(f"/spaces/{chess_room.uuid}/")


TARGETS = """() => {
  const small = [];
  const targets = 'main a, main button, main .btn, main input, main select';
  for (const el of document.querySelectorAll(targets)) {
    if (el.type === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const box = el.closest('.form-check') || el;
    const b = box.getBoundingClientRect();
    if (b.width < 60 || b.height < 60) {
      const label = (el.innerText || el.name || el.id).trim().slice(0, 30);
      small.push([label, Math.round(b.width), Math.round(b.height)]);
    }
  }
  return {small, font: parseFloat(getComputedStyle(document.body).fontSize)};
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_elderly_mode_gives_the_directory_and_calendar_large_targets(
    visitor, cast, chess_room, width
):
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    cast.liu.elderly_mode = True
    cast.liu.save(update_fields=["elderly_mode"])
    visitor.login_as(cast.liu)
    for name, kwargs in (
        ("spaces:space-list", {}),
        ("spaces:space-detail", {"uuid": chess_room.uuid}),
        ("spaces:booking-mine", {}),
    ):
        visitor.visit(name, label=f"elderly-{width}-{name}", **kwargs)
        found = page.evaluate(TARGETS)
        assert found["font"] >= 18
        assert not found["small"], f"{name}: targets under 60×60 px: {found['small']}"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"


def test_the_day_sheet_prints_without_the_page_chrome(visitor, cast, chess_room, clock):
    now = clock.move_to(10)
    BookingFactory(
        space=chess_room,
        booker=cast.liu,
        starts_at=now + dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=2),
    )
    page = visitor.page
    visitor.login_as(cast.worker)
    visitor.visit("spaces:day-sheet", chess_room.uuid, now.date().isoformat(), label="day-sheet")
    page.emulate_media(media="print")
    visitor.screenshot("day-sheet-print")
    assert not page.locator("header.silin-header").is_visible()
    assert not page.locator("main form button").first.is_visible()  # no buttons on paper
    assert page.locator(".day-sheet .check-box").first.is_visible()  # a box to tick instead
    assert "刘**" in page.locator(".day-sheet table").inner_text()


def test_a_worker_finds_liu_and_books_the_chess_room_for_him(visitor, cast, world, chess_room):
    page = visitor.page
    visitor.login_as(cast.worker)
    visitor.visit("spaces:book-on-behalf", chess_room.uuid, label="on-behalf")
    page.locator("#behalf-q").fill("刘")
    page.get_by_label("刘大爷", exact=False).check()
    start = timezone.localtime() + dt.timedelta(days=2)
    start = start.replace(hour=9, minute=0)
    page.locator("[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=ends_at]").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=purpose]").fill("下象棋")
    page.locator("[name=attendees]").fill("4")
    visitor.screenshot("on-behalf-filled")
    page.get_by_role("button", name="为这位居民预约").click()
    page.wait_for_url(f"**/spaces/{chess_room.uuid}/day/{start.date().isoformat()}/")
    visitor.screenshot("day-sheet-after")
    assert "刘**" in page.locator(".day-sheet table").inner_text()
    booking = Booking.objects.get()
    assert (booking.booker, booking.booked_by) == (cast.liu, cast.worker)


def test_on_a_phone_the_calendar_shows_one_day_at_a_time(visitor, cast, chess_room):
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.login_as(cast.liu)
    following = timezone.localdate() + dt.timedelta(days=7)
    path = f"/spaces/{chess_room.uuid}/?week={following.isoformat()}"
    visitor.visit(path, label="phone-calendar")
    days = page.locator("#week-calendar .week-day")
    assert [days.nth(i).is_visible() for i in range(7)] == [True] + [False] * 6
    page.locator("#week-calendar .day-pick").nth(3).click()
    page.wait_for_function(
        "() => document.querySelectorAll('#week-calendar .week-day')[3].offsetParent !== null"
    )
    visitor.screenshot("phone-thursday")
    assert [days.nth(i).is_visible() for i in range(7)] == [False] * 3 + [True] + [False] * 3
    assert page.locator("#week-calendar .day-pick").nth(3).get_attribute("aria-pressed") == "true"
    # Next week keeps working after the swap (Alpine picks up the new calendar).
    page.get_by_role("link", name="下一周").first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#week-calendar .week-day')[0].offsetParent !== null"
    )
    assert page.locator("#week-calendar .week-day:visible").count() == 1
