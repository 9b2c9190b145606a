"""axe-core on every spaces page, in the standard view and in 长辈版: nothing serious or critical.

Each case names a page, who looks at it and how to build its URL from the test data.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.accounts.tests.factories import UserFactory
from silin.spaces.models import Booking, Space, WaitlistEntry
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, open_every_day

_MOBILES = itertools.count(13700000001)


def book(**kwargs) -> Booking:
    """A booking straight in the table; by a neighbour unless a booker is given."""
    if "booker" not in kwargs:
        kwargs["booker"] = UserFactory(mobile=str(next(_MOBILES)))
    return BookingFactory(**kwargs)  # type: ignore[return-value]  # the factory makes one


pytestmark = pytest.mark.browser


@pytest.fixture
def spaces(world, cast, clock):
    """Built at 10:00 of the suite's day: tomorrow's hours are inside opening hours."""
    now = clock.move_to(10)
    room = open_every_day(
        SpaceFactory(
            name="邻里荟",
            kind=Space.Kind.LOUNGE,
            community=world.sanjiang,
            compound=world.tuoyuan,
            step_free=True,
            amenities=["chess", "tea", "wifi"],
        )
    )
    hall = open_every_day(
        SpaceFactory(
            name="居民议事厅",
            kind=Space.Kind.DELIBERATION,
            community=world.sanjiang,
            approval_required=True,
        )
    )
    tomorrow = now + dt.timedelta(days=1)
    book(space=room, booker=cast.liu, starts_at=now, ends_at=now + dt.timedelta(hours=1))
    book(space=room, booker=cast.liu, starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=1))
    book(
        space=hall,
        booker=cast.liu,
        status=Booking.Status.REQUESTED,
        starts_at=tomorrow,
        ends_at=tomorrow + dt.timedelta(hours=2),
    )
    book(
        space=hall,
        status=Booking.Status.REQUESTED,
        starts_at=tomorrow + dt.timedelta(hours=1),
        ends_at=tomorrow + dt.timedelta(hours=3),
    )
    WaitlistEntry.objects.create(
        space=room,
        user=cast.liu,
        starts_at=tomorrow + dt.timedelta(hours=2),
        ends_at=tomorrow + dt.timedelta(hours=3),
        purpose="下棋",
        attendees=2,
        state=WaitlistEntry.State.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + dt.timedelta(hours=2),
    )
    return {"room": room, "hall": hall, "tomorrow": tomorrow}


def _slot_query(start: dt.datetime) -> str:
    end = start + dt.timedelta(hours=1)
    return f"?starts_at={start:%Y-%m-%dT%H:%M}&ends_at={end:%Y-%m-%dT%H:%M}"


# (case id, who, how to build the path from the `spaces` fixture)
PAGES = [
    ("directory", "liu", lambda s: reverse("spaces:space-list")),
    ("directory-filtered", "worker", lambda s: reverse("spaces:space-list") + "?time=10:00"),
    ("space", "liu", lambda s: reverse("spaces:space-detail", args=[s["room"].uuid])),
    ("space-manager", "worker", lambda s: reverse("spaces:space-detail", args=[s["hall"].uuid])),
    (
        "booking-form",
        "liu",
        lambda s: (
            reverse("spaces:booking-create", args=[s["room"].uuid])
            + _slot_query(s["tomorrow"] + dt.timedelta(hours=4))
        ),
    ),
    (
        "waitlist-form",
        "liu",
        lambda s: (
            reverse("spaces:waitlist-join", args=[s["room"].uuid]) + _slot_query(s["tomorrow"])
        ),
    ),
    ("series-form", "liu", lambda s: reverse("spaces:series-create", args=[s["room"].uuid])),
    ("my-bookings", "liu", lambda s: reverse("spaces:booking-mine")),
    ("approvals", "worker", lambda s: reverse("spaces:approval-queue")),
    ("on-behalf", "worker", lambda s: reverse("spaces:book-on-behalf", args=[s["room"].uuid])),
    (
        "day-sheet",
        "worker",
        lambda s: reverse(
            "spaces:day-sheet", args=[s["room"].uuid, timezone.localdate().isoformat()]
        ),
    ),
    ("door-qr", "worker", lambda s: reverse("spaces:space-qr", args=[s["room"].uuid])),
    (
        "door-sheet",
        "worker",
        lambda s: reverse("spaces:space-qr", args=[s["room"].uuid]) + "?print=1",
    ),
    ("check-in", "liu", lambda s: reverse("spaces:check-in", args=[s["room"].door_token])),
]


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize(("case", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_spaces_page_has_no_serious_accessibility_violation(
    visitor, cast, spaces, case, who, path, elderly
):
    user = getattr(cast, who)
    if elderly:
        user.elderly_mode = True
        user.save(update_fields=["elderly_mode"])
    visitor.login_as(user)
    visitor.visit(path(spaces), label=f"{case}-{'elderly' if elderly else 'standard'}")
    assert visitor.page.evaluate("document.body.classList.contains('elderly')") == elderly
    visitor.assert_accessible(f"{case} ({'长辈版' if elderly else 'standard'})")


def test_the_confirm_form_opened_from_the_calendar_is_accessible(visitor, cast, spaces):
    page = visitor.page
    visitor.login_as(cast.liu)
    visitor.visit("spaces:space-detail", uuid=spaces["room"].uuid, label="calendar")
    page.get_by_role("link", name="下一周").first.click()
    page.locator("#week-calendar a.slot.free").first.wait_for()
    page.locator("#week-calendar a.slot.free").first.click()
    page.locator("#slot-panel form").wait_for()
    visitor.screenshot("calendar-confirm-form")
    visitor.assert_accessible("space page with the confirm form open")


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_the_repeating_booking_result_is_accessible(visitor, cast, spaces, elderly):
    """Weekly on tomorrow's weekday for three weeks; tomorrow's hour is taken, so it is skipped."""
    if elderly:
        cast.liu.elderly_mode = True
        cast.liu.save(update_fields=["elderly_mode"])
    page = visitor.page
    tomorrow = spaces["tomorrow"]
    visitor.login_as(cast.liu)
    visitor.visit("spaces:series-create", spaces["room"].uuid, label="series-form")
    page.locator("input[name=pattern][value=weekly]").check()
    code = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][tomorrow.weekday()]
    page.locator(f"input[name=days][value={code}]").check()
    page.locator("[name=first_date]").fill(tomorrow.date().isoformat())
    page.locator("[name=until]").fill((tomorrow + dt.timedelta(days=15)).date().isoformat())
    page.locator("[name=start_time]").fill(f"{tomorrow:%H:%M}")
    page.locator("[name=purpose]").fill("下象棋")
    page.locator("main form button[type=submit]").click()
    page.locator("#skipped-heading").wait_for()
    visitor.screenshot(f"series-done-{'elderly' if elderly else 'standard'}")
    assert Booking.objects.filter(series__isnull=False).count() == 2
    visitor.assert_accessible(f"series result ({'长辈版' if elderly else 'standard'})")
