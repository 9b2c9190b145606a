"""Use figures and renewal records in the browser: the street overview draws its ECharts
charts and shows the same figures as tables; the space page's lazily loaded panel draws its
charts too; axe-core finds nothing serious on the figures and renewal pages, in the
standard view and in 长辈版."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from silin.browser_tests.conftest import SCREENSHOTS
from silin.spaces.models import Booking, RenewalRecord, Space
from silin.spaces.services import renewals as renewal_services
from silin.spaces.services.renewals import RenewalData
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, local, open_every_day

pytestmark = pytest.mark.browser


@pytest.fixture
def street(world, cast):
    chess = open_every_day(
        SpaceFactory(
            name="棋艺室", community=world.sanjiang, kind=Space.Kind.ACTIVITY_CENTRE, capacity=16
        )
    )
    lounge = open_every_day(
        SpaceFactory(
            name="邻里荟", community=world.sanjiang, compound=world.tuoyuan,
            kind=Space.Kind.COURTYARD, capacity=30,
        )
    )  # fmt: skip
    S = Booking.Status
    for offset in range(-20, 0):
        status = S.NO_SHOW if offset % 7 == 0 else S.CHECKED_IN
        BookingFactory(space=chess, booker=cast.liu, starts_at=local(offset, 9),
                       ends_at=local(offset, 11), status=status)  # fmt: skip
        if offset % 2:
            BookingFactory(space=lounge, booker=cast.liu, starts_at=local(offset, 14),
                           ends_at=local(offset, 16, 30), status=S.CHECKED_IN)  # fmt: skip
    record = renewal_services.renewal_create(
        actor=cast.worker,
        data=RenewalData(
            title="沱源5栋架空层微更新",
            community=world.sanjiang,
            compound=world.tuoyuan,
            site_kind=RenewalRecord.SiteKind.OPEN_GROUND_FLOOR,
            project_kind=RenewalRecord.ProjectKind.MICRO_RENEWAL,
            started_on=dt.date(2023, 3, 1),
            finished_on=dt.date(2023, 7, 15),
            cost=Decimal("86500.00"),
            status=RenewalRecord.Status.OPENED,
            space=lounge,
        ),
    )
    return chess, lounge, record


def _png(visitor, label: str) -> None:
    """A PNG beside the JPEGs, for the pages whose charts a person should look at."""
    visitor.page.screenshot(path=str(SCREENSHOTS / f"figures-{label}.png"), full_page=True)


def _elderly(visitor, user, elderly: bool) -> None:
    if elderly:
        user.elderly_mode = True
        user.save(update_fields=["elderly_mode"])
    visitor.login_as(user)


def _charts_drawn(visitor, count: int) -> None:
    page = visitor.page
    page.wait_for_function(
        f"document.querySelectorAll('[data-figures-chart] canvas').length >= {count}"
    )
    for chart in page.locator("[data-figures-chart]").all():
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_the_street_overview_draws_its_charts_and_tables(visitor, cast, street, elderly):
    _elderly(visitor, cast.worker, elderly)
    visitor.visit("spaces:figures", label=f"overview-{'elderly' if elderly else 'standard'}")
    _charts_drawn(visitor, 3)
    page = visitor.page
    table = page.locator("table.figures-table").first
    assert "沱源" in table.inner_text()
    assert "三江社区" in table.inner_text()
    _png(visitor, f"overview-{'elderly' if elderly else 'standard'}")
    visitor.assert_accessible(f"figures overview ({'长辈版' if elderly else 'standard'})")


def test_the_period_picker_swaps_the_results_without_reloading(visitor, cast, street):
    visitor.login_as(cast.street_admin)
    visitor.visit("spaces:figures", label="overview-month")
    _charts_drawn(visitor, 3)
    page = visitor.page
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="周", exact=True).click()
    page.wait_for_function("new URLSearchParams(location.search).get('period') === 'week'")
    _charts_drawn(visitor, 3)
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator(".figures-period [aria-current='true']").inner_text().strip() == "周"
    # The filter form follows the period shown, so choosing a community keeps the week.
    assert page.locator("#f-period").input_value() == "week"
    page.locator("#f-community").select_option(label="三江社区")
    page.wait_for_function("new URLSearchParams(location.search).get('community') !== null")
    assert "period=week" in page.url
    visitor.screenshot("overview-week")


def test_the_space_page_loads_its_figures_panel(visitor, cast, street):
    chess, _lounge, _record = street
    visitor.login_as(cast.worker)
    visitor.visit("spaces:space-detail", uuid=chess.uuid, label="space-page")
    # The panel loads when it scrolls into view (hx-trigger="revealed").
    visitor.page.mouse.wheel(0, 5000)
    panel = visitor.page.locator("#space-figures")
    panel.wait_for()
    panel.scroll_into_view_if_needed()
    _charts_drawn(visitor, 2)
    assert "棋艺室" not in panel.locator("h2").inner_text()
    _png(visitor, "space-page")
    visitor.assert_accessible("space page with its figures panel")


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize("page_name", ["renewal-list", "renewal-detail", "renewal-form"])
def test_renewal_pages_have_no_serious_accessibility_violation(
    visitor, cast, street, page_name, elderly
):
    _chess, _lounge, record = street
    _elderly(visitor, cast.worker, elderly)
    label = f"{page_name}-{'elderly' if elderly else 'standard'}"
    if page_name == "renewal-list":
        visitor.visit("spaces:renewal-list", label=label)
    elif page_name == "renewal-detail":
        visitor.visit("spaces:renewal-detail", uuid=record.uuid, label=label)
        assert visitor.page.get_by_role("link", name="邻里荟").count() == 1
    else:
        visitor.visit("spaces:renewal-edit", uuid=record.uuid, label=label)
    _png(visitor, label)
    visitor.assert_accessible(f"{page_name} ({'长辈版' if elderly else 'standard'})")


def test_the_renewal_form_shows_errors_next_to_the_fields(visitor, cast, street):
    visitor.login_as(cast.worker)
    visitor.visit("spaces:renewal-create", label="renewal-create")
    page = visitor.page
    page.get_by_label("标题").fill("伊顿小镇闲置用房")
    page.locator("#id_community").select_option(label="三江社区")
    page.get_by_label("开工日期").fill("2025-05-01")
    page.get_by_label("完工日期").fill("2025-01-01")
    page.get_by_role("button", name="保存").click()
    error = page.locator("#finished_on-errors")
    error.wait_for()
    assert error.inner_text().strip()
    _png(visitor, "renewal-create-errors")
    visitor.assert_accessible("renewal form with errors")
    assert not RenewalRecord.objects.filter(title="伊顿小镇闲置用房").exists()


def test_the_figures_and_renewals_read_in_english(visitor, cast, street):
    visitor.login_as(cast.worker)
    visitor.page.context.add_cookies(
        [{"name": "silin_language", "value": "en", "url": visitor.live_server.url}]
    )
    visitor.visit("spaces:figures", label="overview-en")
    _charts_drawn(visitor, 3)
    page = visitor.page
    assert page.get_by_role("heading", name="By compound", exact=True).count() == 1
    assert "Tuoyuan" not in page.content()  # place names stay as they are: 沱源
    assert "沱源" in page.locator("table.figures-table").first.inner_text()
    _png(visitor, "overview-en")
    visitor.visit("spaces:renewal-list", label="renewals-en")
    assert page.get_by_role("heading", name="Where the spaces came from", exact=True).count() == 1
    _png(visitor, "renewals-en")
    visitor.assert_accessible("renewal list (en)")


def test_the_figures_read_in_traditional_chinese(visitor, cast, street):
    visitor.login_as(cast.worker)
    visitor.page.context.add_cookies(
        [{"name": "silin_language", "value": "zh-hant", "url": visitor.live_server.url}]
    )
    visitor.visit("spaces:figures", label="overview-zh-hant")
    _charts_drawn(visitor, 3)
    page = visitor.page
    assert page.get_by_role("heading", name="按小區", exact=True).count() == 1
    assert page.get_by_role("heading", name="共享空間使用數據", exact=True).count() == 1
    _png(visitor, "overview-zh-hant")
