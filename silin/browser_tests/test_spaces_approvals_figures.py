"""Issue 9 in the browser, the staff side: a worker's own request needs a second person (or
is marked when she is the only approver), the reason belongs to declining only, and the use
figures of a period under way count up to now, with figures grouped by thousands."""

from __future__ import annotations

import datetime as dt

import pytest

from silin.accounts.tests.factories import UserFactory, assign
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.places.tests.factories import CommunityFactory, StreetFactory
from silin.spaces.models import Booking, Space
from silin.spaces.periods import MONTH, period_of
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, local, open_every_day

pytestmark = pytest.mark.browser


def _elderly(user) -> None:
    user.elderly_mode = True
    user.save(update_fields=["elderly_mode"])


def _english(visitor) -> None:
    visitor.page.context.add_cookies(
        [{"name": "silin_language", "value": "en", "url": visitor.live_server.url}]
    )


@pytest.fixture
def hall(world, clock):
    clock.move_to(10)
    return open_every_day(
        SpaceFactory(
            name="居民议事厅",
            kind=Space.Kind.DELIBERATION,
            community=world.sanjiang,
            capacity=80,
            approval_required=True,
        )
    )


@pytest.mark.parametrize(
    ("width", "elderly", "language"),
    [(1280, False, "zh-hans"), (390, True, "zh-hans"), (390, False, "en"), (1280, True, "en")],
    ids=["zh-wide", "zh-phone-elderly", "en-phone", "en-wide-elderly"],
)
def test_a_worker_cannot_approve_her_own_request_and_declining_asks_for_a_reason(
    visitor, cast, hall, width, elderly, language
):
    own = BookingFactory(
        space=hall, booker=cast.worker, status=Booking.Status.REQUESTED, attendees=59,
        starts_at=local(2, 9), ends_at=local(2, 12), purpose="居民议事会",
    )  # fmt: skip
    liu = BookingFactory(
        space=hall, booker=cast.liu, status=Booking.Status.REQUESTED,
        starts_at=local(3, 9), ends_at=local(3, 10), purpose="下象棋",
    )  # fmt: skip
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 844})
    if elderly:
        _elderly(cast.worker)
    if language == "en":
        _english(visitor)
    visitor.login_as(cast.worker)
    visitor.visit("spaces:approval-queue", label=f"approvals-{width}-{language}")
    mine = page.locator(f"#request-{own.uuid}")
    theirs = page.locator(f"#request-{liu.uuid}")
    assert mine.locator(".own-request-note").is_visible()
    assert mine.locator("form[action$='/approve/']").count() == 0
    assert theirs.locator("form[action$='/approve/'] button").is_visible()
    # The reason field is not beside 批准: it opens with 婉拒….
    reason = theirs.locator("textarea[name=reason]")
    assert not reason.is_visible()
    theirs.locator("details.decline summary").click()
    assert reason.is_visible()
    visitor.screenshot(f"decline-open-{width}-{language}")
    visitor.assert_accessible("approvals with one's own request and a decline open")
    if language == "en":
        assert "a.m." not in page.locator("main").inner_text()
    # Approving liu's request says what happened, and nothing about overlaps.
    with page.expect_navigation():
        theirs.locator("form[action$='/approve/'] button").click()
    message = page.locator(".messages").inner_text()
    if language == "en":
        assert message.strip() == "Approved. 刘大爷 gets a notice."
    else:
        assert message.strip() == "已批准，会通知刘大爷。"
    visitor.screenshot(f"approved-{width}-{language}")


def test_the_only_approver_may_approve_her_own_request_with_a_warning_and_an_audit_mark(
    visitor, clock
):
    clock.move_to(10)
    community = CommunityFactory(street=StreetFactory(name="远山街道"), name="远山社区")
    only = UserFactory(name="李晓梅", mobile="13900009999")
    assign(only, Role.COMMUNITY_WORKER, community)
    hall = open_every_day(SpaceFactory(community=community, approval_required=True, name="议事厅"))
    own = BookingFactory(
        space=hall, booker=only, status=Booking.Status.REQUESTED, attendees=59,
        starts_at=local(2, 9), ends_at=local(2, 12),
    )  # fmt: skip
    page = visitor.page
    visitor.login_as(only)
    visitor.visit("spaces:approval-queue", label="only-approver")
    card = page.locator(f"#request-{own.uuid}")
    assert "没有其他审批人" in card.locator(".own-request-note").inner_text()
    with page.expect_navigation():
        card.locator("form[action$='/approve/'] button").click()
    visitor.screenshot("self-approved")
    warning = page.locator(".messages .alert-warning").inner_text()
    assert "这是您自己的申请" in warning and "本人审批" in warning
    own.refresh_from_db()
    assert own.status == Booking.Status.APPROVED
    entry = AuditEntry.objects.get(object_uuid=str(own.uuid), action="update")
    assert entry.detail == "self-approved: no other approver"


# -- item 11: the figures of a period under way --------------------------------------------


@pytest.fixture
def big_street(world, cast, clock):
    """Three spaces open round the clock: over a thousand open hours in a month."""
    clock.move_to(10)
    spaces = [
        open_every_day(
            SpaceFactory(name=name, community=world.sanjiang, capacity=20),
            opens=dt.time(0),
            closes=dt.time(23, 30),
        )
        for name in ("棋艺室", "邻里荟", "长者食坊")
    ]
    for offset in range(-40, 0):
        BookingFactory(
            space=spaces[0], booker=cast.liu, starts_at=local(offset, 9),
            ends_at=local(offset, 11), status=Booking.Status.CHECKED_IN,
        )  # fmt: skip
    BookingFactory(
        space=spaces[0], booker=cast.liu, starts_at=local(5, 9), ends_at=local(5, 11)
    )  # still to come: not counted yet
    return spaces


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_figures_of_this_month_count_up_to_now_and_group_thousands(
    visitor, cast, big_street, language
):
    page = visitor.page
    if language == "en":
        _english(visitor)
    visitor.login_as(cast.worker)
    visitor.visit("spaces:figures", label=f"figures-this-month-{language}")
    note = page.locator(".figures-so-far").first.inner_text()
    assert ("统计到现在" in note) if language == "zh-hans" else ("count up to now" in note)
    # Open hours so far: 23.5 a day for each space, up to 10:00 today.
    today = local(0, 10)
    month = period_of(MONTH, today.date())
    days_before = (today.date() - month.start).days
    expected = 3 * (days_before * 23.5 + 10)
    cards = page.locator(".figures-stats .stat")
    shown = cards.nth(1).inner_text().strip()
    assert float(shown.replace(",", "")) == pytest.approx(expected, abs=0.1)
    visitor.assert_accessible(f"figures of this month ({language})")
    # Last month, complete: over a thousand hours, grouped as the chart axes are.
    last = month.shifted(-1)
    visitor.visit(
        f"/spaces/figures/?period=month&on={last.start.isoformat()}",
        label=f"figures-last-month-{language}",
    )
    assert page.locator(".figures-so-far").count() == 0
    hours_open = page.locator(".figures-stats .stat").nth(1).inner_text().strip()
    assert "," in hours_open and float(hours_open.replace(",", "")) > 1000
    table = page.locator("table.figures-table").first.inner_text()
    assert hours_open in table
