"""邻服务 in a browser, on phones: 刘大爷 (80, 沱源 3-1-201) asks for help with his shopping in
长辈版 in three taps; the community worker's batch proposes 唐丽 from the floor above with
the reason in words and confirms it; she accepts, sees his door only then, checks in and
out; his daughter, acting for him, confirms; the hours land in 唐丽's time bank, the books
still sum to zero, and the worker issues her certificate as a PDF. Then the pairings: the
worker's list of neighbours living alone not visited in time, and 唐丽 logging a visit in
two taps.

Every person has their own phone (a browser context of 390 × 844 with touch). On every
page visited, axe-core runs in the view its user has and in the other one (the header's
长辈版 button, twice), and finds nothing serious or critical; no page scrolls sideways.
The server runs on the real clock: nothing is moved, except one service record's check-in
time (see `_time_at_the_door`).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db.models import Sum
from django.utils import timezone, translation
from pypdf import PdfReader

from silin.accounts.tests.factories import UserFactory
from silin.browser_tests.conftest import SCREENSHOTS
from silin.browser_tests.test_spaces import TARGETS as SPACES_TARGETS
from silin.core.acting import Power
from silin.lib.dates import birth_date_for_age
from silin.mutualaid import presenters
from silin.mutualaid.forms import when_window
from silin.mutualaid.models import (
    Account,
    Certificate,
    HelpRequest,
    Movement,
    Pairing,
    Proposal,
    ServiceRecord,
    Visit,
)
from silin.mutualaid.selectors_ledger import ledger_balance
from silin.mutualaid.services.ledger import hours_text
from silin.mutualaid.tests.factories import make_helper
from silin.people.models import Tag
from silin.people.tests.factories import ResidentFactory
from silin.people.tests.proxy_fixtures import grant
from silin.places.tests.factories import HouseholdFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Not proxy_fixtures.DAUGHTER_MOBILE: the helper factory's mobiles start at 13700000000.
DAUGHTER_MOBILE = "13600000001"
AT_THE_DOOR = dt.timedelta(minutes=40)
# The spaces tests' measure of 长辈版 targets, with the <summary> that opens a <details> too.
TARGETS = SPACES_TARGETS.replace("main select'", "main select, main summary'")
assert TARGETS != SPACES_TARGETS


# --- phones -----------------------------------------------------------------------------------


class Phones:
    """One phone (browser context) per person, all sharing the test's `visitor` for its
    screenshots and axe: `use(user)` hands the visitor that person's page."""

    def __init__(self, browser, visitor) -> None:
        self.browser = browser
        self.visitor = visitor
        self.pages: dict[int, object] = {}
        self.contexts: list = []

    def use(self, user):
        page = self.pages.get(user.pk)
        if page is None:
            context = self.browser.new_context(
                base_url=self.visitor.live_server.url,
                locale="zh-CN",
                viewport=PHONE,
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
            )
            context.set_default_timeout(15_000)
            self.contexts.append(context)
            page = context.new_page()
            self.pages[user.pk] = page
            self.visitor.page = page
            self.visitor.login_as(user)
        self.visitor.page = page
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def phones(browser, visitor):
    found = Phones(browser, visitor)
    original = visitor.page
    yield found
    visitor.page = original
    found.close()


def _elderly(page) -> bool:
    return page.evaluate("document.body.classList.contains('elderly')")


def _no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px on a phone"


def _toggle_elderly(page) -> None:
    before = _elderly(page)
    with page.expect_navigation():
        page.locator("#elderly-toggle").click()
    assert _elderly(page) != before


def check(visitor, label: str) -> None:
    """Screenshot, no sideways scroll and axe-core in the user's own view, then the same in
    the other view through the header's 长辈版 button, and back."""
    page = visitor.page
    assert page.evaluate("document.documentElement.lang") in {"zh-hans", "zh-hant", "en"}
    for turn in range(2):
        if turn:
            _toggle_elderly(page)
        mode = "elderly" if _elderly(page) else "standard"
        visitor.screenshot(f"{label}-{mode}")
        _no_sideways_scroll(page, f"{label} ({mode})")
        visitor.assert_accessible(f"{label} ({'长辈版' if mode == 'elderly' else 'standard'})")
    _toggle_elderly(page)


def go(visitor, name: str, *args) -> None:
    response = visitor.page.goto(visitor.url(name, *args))
    assert response is not None and response.status < 400, f"{name} answered {response}"


def tap(page, selector: str) -> None:
    """A tap that submits a form or follows a link: waits for the next page."""
    with page.expect_navigation():
        page.locator(selector).tap()


def large_targets(page, where: str) -> None:
    """长辈版: large text and every control of the page at least 60 × 60 px."""
    found = page.evaluate(TARGETS)
    assert found["font"] >= 18, where
    assert not found["small"], f"{where}: targets under 60×60 px: {found['small']}"


def words(fn, *args) -> str:
    """What the page says for `fn(*args)`, in simplified Chinese (the phones' language)."""
    with translation.override("zh-hans"):
        return str(fn(*args))


# --- data ------------------------------------------------------------------------------------


@pytest.fixture
def alone_tag():
    # The browser tests' database is flushed between tests, the shipped tags with it.
    tag, _ = Tag.objects.get_or_create(
        code="living_alone", defaults={"name": "独居", "name_en": "Living alone"}
    )
    return tag


@pytest.fixture
def tang(world):
    """唐丽, 65, a verified helper living one floor above 刘大爷 in 沱源 3-1."""
    return make_helper(unit=world.tuoyuan_unit, floor=3, door="301", name="唐丽")


@pytest.fixture
def daughter(cast):
    """刘大爷's daughter 刘小红, holding "ask for and confirm help" for him."""
    user = UserFactory(name="刘小红", mobile=DAUGHTER_MOBILE)
    grant(cast.liu, user, powers=(Power.ASK_HELP,))
    return user


@pytest.fixture
def old_liu(cast):
    cast.liu.elderly_mode = True
    cast.liu.save(update_fields=["elderly_mode"])
    return cast.liu


def _time_at_the_door(record: ServiceRecord) -> None:
    """Stands for the 40 minutes 唐丽 spent at 刘大爷's door between check-in and check-out:
    the live server runs on the real clock and the test does not wait, so her check-in is
    moved 40 minutes back in the database. The hours-coverage rule (check-in to check-out
    covers at least 60 % of the agreed 30 minutes) then counts the service honestly."""
    ServiceRecord.objects.filter(pk=record.pk).update(
        checked_in_at=record.checked_in_at - AT_THE_DOOR
    )


def _books_balance() -> None:
    """Every balance sums to zero, every account is the sum of its movements, and every
    transfer's movements sum to zero."""
    books = ledger_balance()
    assert (books.total, books.movements, books.mismatched) == (0, 0, [])
    unbalanced = (
        Movement.objects.values("transfer_id")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by()
    )
    assert not unbalanced.exists()


# --- the story -------------------------------------------------------------------------------


def test_liu_asks_tang_helps_and_the_hours_land_in_her_time_bank(
    visitor, phones, world, cast, old_liu, tang, daughter
):
    v = visitor

    # 1. 刘大爷, 长辈版: "I need help" → Shopping → a time → "Ask for help": three taps.
    page = phones.use(old_liu)
    go(v, "mutualaid:need")
    assert _elderly(page)
    check(v, "liu-need")
    large_targets(page, "I need help (长辈版)")
    tap(page, "a.help-kind[data-kind=shopping]")  # tap 1
    assert page.url.endswith(v.url("mutualaid:ask", "shopping"))
    check(v, "liu-ask")
    large_targets(page, "ask (长辈版)")
    # The times still ahead today and tomorrow's; the last one, not the one already ticked.
    when = page.locator("input[name=when]").last
    assert not when.is_checked()
    page.locator(f"label[for='{when.get_attribute('id')}']").tap()  # tap 2
    assert when.is_checked()
    picked = when.get_attribute("value")
    # The optional details, folded away: the shortest time offered (the coverage rule below).
    page.locator("#ask-form details summary").tap()
    page.select_option("#id_agreed_minutes", "30")
    tap(page, "#ask-submit")  # tap 3
    help_request = HelpRequest.objects.get()
    assert (help_request.requester, help_request.kind, help_request.agreed_minutes) == (
        world.liu,
        "shopping",
        30,
    )
    assert help_request.state == HelpRequest.State.OPEN
    assert help_request.window_end == when_window(picked, help_request.created_at)[1]
    assert page.url.endswith(v.url("mutualaid:request-detail", help_request.uuid))
    assert page.locator(".alert-success").count() == 1
    assert page.locator("#request-state").inner_text() == words(help_request.get_state_display)
    v.screenshot("liu-asked")
    check(v, "liu-request")
    go(v, "mutualaid:need")
    assert page.locator(f"a[href='{v.url('mutualaid:request-detail', help_request.uuid)}']").count()

    # 2. The worker's board: matching proposes 唐丽 with the reason in words; confirm all.
    page = phones.use(cast.worker)
    go(v, "mutualaid:board", world.sanjiang.uuid)
    check(v, "board-open")
    tap(page, "#run-matching")
    proposal = Proposal.objects.get(request=help_request)
    assert proposal.helper == tang and proposal.state == Proposal.State.PROPOSED
    row = page.locator("#proposed-table tbody tr")
    assert row.count() == 1
    assert "唐丽" in row.inner_text() and "刘大爷" in row.inner_text()
    reasons = words(presenters.reason_words, proposal.reasons)
    assert reasons and row.locator(".reasons").inner_text().strip() == reasons
    assert words(presenters.reason_words, ["upstairs_downstairs"]) in reasons
    v.screenshot("board-proposed")
    v.assert_accessible("board, proposed (standard)")
    tap(page, "#confirm-all")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.CONFIRMED
    check(v, "board-sent")
    go(v, "mutualaid:helpers", world.sanjiang.uuid)
    assert "唐丽" in page.locator("main").inner_text()
    check(v, "helpers")

    # 3. 唐丽: "I can help" → the request, no door yet; accept → door and phone; in and out.
    page = phones.use(tang.user)
    door, phone = world.liu_household.door, "13800001234"
    go(v, "mutualaid:helping")
    check(v, "tang-helping")
    detail = v.url("mutualaid:request-detail", help_request.uuid)
    tap(page, f"#h-asked ~ ul a[href='{detail}']")
    main = page.locator("main")
    assert page.locator("#contact").count() == 0
    assert door not in main.inner_text() and phone not in main.inner_text()
    assert page.locator("#proposal").count() == 1  # the proposed helper, and why
    check(v, "tang-before-accepting")
    tap(page, "#accept")
    help_request.refresh_from_db()
    assert help_request.state == HelpRequest.State.ACCEPTED and help_request.helper == tang
    contact = page.locator("#contact").inner_text()
    assert door in contact and phone in contact
    v.screenshot("tang-accepted")
    check(v, "tang-accepted")
    tap(page, "#check-in")
    record = ServiceRecord.objects.get(request=help_request)
    assert record.state == ServiceRecord.State.STARTED
    check(v, "tang-checked-in")
    _time_at_the_door(record)
    page.reload()
    tap(page, "#check-out")
    record.refresh_from_db()
    assert record.state == ServiceRecord.State.PENDING and record.claimed_minutes == 30
    assert page.locator("#service-state").inner_text() == words(record.get_state_display)
    v.screenshot("tang-checked-out")
    check(v, "tang-checked-out")

    # 4. 刘大爷 sees the help to confirm; his daughter, acting for him, confirms it.
    page = phones.use(old_liu)
    go(v, "mutualaid:request-detail", help_request.uuid)
    assert page.locator("#confirm-service").is_visible()
    assert page.locator("#contact").count() == 0  # his own door is no news to him
    check(v, "liu-to-confirm")
    large_targets(page, "request to confirm (长辈版)")
    page = phones.use(daughter)
    go(v, "mutualaid:need")
    tap(page, ".acting-switch button")
    assert page.locator("#acting-banner").count() == 1
    go(v, "mutualaid:request-detail", help_request.uuid)
    check(v, "daughter-to-confirm")  # her own 长辈版 choice, not her father's
    tap(page, "#confirm-service")
    record.refresh_from_db()
    assert record.state == ServiceRecord.State.COMMITTED
    check(v, "daughter-confirmed")
    page = phones.use(old_liu)
    page.reload()
    assert page.locator("#service-state").inner_text() == words(record.get_state_display)
    check(v, "liu-confirmed")

    # The hours are in 唐丽's account, and the books still balance.
    account = Account.objects.get(resident=tang.resident)
    assert account.balance == 30
    _books_balance()
    page = phones.use(tang.user)
    go(v, "mutualaid:statement")
    assert words(presenters.minutes_words, 30) in page.locator("#balance").inner_text()
    assert page.locator("#statement tbody tr").count() == 1
    check(v, "tang-time-bank")

    # The worker issues her certificate; the PDF downloads, her name and hours in it.
    page = phones.use(cast.worker)
    go(v, "mutualaid:statement-of", tang.resident.uuid)
    check(v, "worker-tang-account")
    today = timezone.localdate()  # the period offered: the year up to today
    assert page.locator("#id_period_start").input_value() == f"{today - dt.timedelta(days=365)}"
    assert page.locator("#id_period_end").input_value() == f"{today}"
    tap(page, "#issue-certificate")
    certificate = Certificate.objects.get(resident=tang.resident)
    assert certificate.minutes == 30 and certificate.services == 1
    pdf_url = v.url("mutualaid:certificate-pdf", certificate.uuid)
    assert page.locator(f"#h-certs ~ ul a[href='{pdf_url}']").count() == 1
    check(v, "worker-certificate-issued")
    pdf = page.request.get(pdf_url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "唐丽" in text and "三江社区" in text and certificate.number in text
    assert words(hours_text, 30) in text
    # Kept beside the screenshots, for a person to look at.
    (SCREENSHOTS / f"{v.test_name}--certificate.pdf").write_bytes(pdf.body())
    go(v, "mutualaid:certificate-verify", certificate.number)
    assert certificate.number in page.locator("main").inner_text()
    check(v, "certificate-verify")
    _books_balance()

    # 5. The need page and the board once in English and in traditional Chinese.
    for user, name, args in (
        (old_liu, "mutualaid:need", ()),
        (cast.worker, "mutualaid:board", (world.sanjiang.uuid,)),
    ):
        page = phones.use(user)
        go(v, name, *args)
        for language in ("en", "zh-hant", "zh-hans"):
            tap(page, f"#language-form button[value='{language}']")
            assert page.evaluate("document.documentElement.lang") == language
            if language != "zh-hans":
                v.screenshot(f"{name.split(':')[1]}-{language}")
                _no_sideways_scroll(page, f"{name} in {language}")
                v.assert_accessible(f"{name} in {language}")


# --- pairings -------------------------------------------------------------------------------


@pytest.fixture
def granny_chen(world, alone_tag):
    """陈奶奶, 86, living alone in 沱源 3-1-402, tagged 独居."""
    today = timezone.localdate()
    household = HouseholdFactory(unit=world.tuoyuan_unit, floor=4, door="402")
    chen = ResidentFactory(
        name="陈奶奶",
        gender="F",
        household=household,
        birth_date=birth_date_for_age(86, today=today),
    )
    chen.tags.add(alone_tag)
    return chen


def test_the_overdue_list_and_a_visit_logged_in_two_taps(
    visitor, phones, world, cast, tang, granny_chen
):
    v = visitor
    today = timezone.localdate()
    last = timezone.now() - dt.timedelta(days=20)
    pairing = Pairing.objects.create(
        community=world.sanjiang,
        helper=tang,
        resident=granny_chen,
        every_days=7,
        started_on=today - dt.timedelta(days=60),
        last_visit_at=last,
        created_by=cast.worker,
    )

    # The worker: 陈奶奶 is on the overdue list, with how many days late.
    page = phones.use(cast.worker)
    go(v, "mutualaid:overdue")
    rows = page.locator("#overdue-rows li")
    assert rows.count() == 1 and "陈奶奶" in rows.inner_text() and "唐丽" in rows.inner_text()
    assert rows.locator(".badge.text-bg-danger").count() == 1
    check(v, "overdue")
    go(v, "mutualaid:pairing-list")
    assert "陈奶奶" in page.locator("main").inner_text()
    check(v, "pairing-list")

    # 唐丽: "My pairings" from "I need help" (tap 1), "I visited today" (tap 2).
    page = phones.use(tang.user)
    go(v, "mutualaid:visit-log", pairing.uuid)
    check(v, "tang-visit-page")
    go(v, "mutualaid:need")
    check(v, "tang-need")
    tap(page, f"main a[href='{v.url('mutualaid:my-pairings')}']")  # tap 1
    card = page.locator(f"#my-pairing-{pairing.uuid}")
    assert card.locator(".badge.text-bg-danger").count() == 1
    check(v, "tang-my-pairings")
    with page.expect_response(lambda r: r.url.endswith(v.url("mutualaid:visit-log", pairing.uuid))):
        card.locator(".visit-now").tap()  # tap 2 (htmx swaps the card)
    card = page.locator(f"#my-pairing-{pairing.uuid}")
    card.locator(".alert-success").wait_for()
    assert card.locator(".badge.text-bg-success").count() == 1  # visited today
    visit = Visit.objects.get(pairing=pairing)
    assert visit.all_well and visit.logged_by == tang.user and not visit.by_worker
    pairing.refresh_from_db()
    assert pairing.last_visit_at > last
    v.screenshot("tang-visited")
    v.assert_accessible("my pairings, after the visit")
    check(v, "tang-my-pairings-after")

    # The worker's list no longer shows her.
    page = phones.use(cast.worker)
    go(v, "mutualaid:overdue")
    assert page.locator("#overdue-rows li").count() == 0
    check(v, "overdue-after")
