"""邻距离's proposals, repeating events, tag rules and figures in a browser: axe-core on each
new page in the standard view and in 长辈版 (nothing serious or critical), a resident
proposing on a phone, and the worker accepting from the to-do list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from silin.activities.models import Proposal
from silin.activities.services import proposals, signups
from silin.activities.tests.factories import make_event, make_item
from silin.people.models import Tag

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _midday(clock):
    """The server's clock at noon of the suite's day, so no test depends on the hour."""
    clock.move_to(12)


@pytest.fixture
def setting(world, cast):
    item = make_item(world, description="各小区棋友每周对弈。")
    # The browser tests' database is flushed between tests, the shipped tags with it.
    alone, _ = Tag.objects.get_or_create(
        code="living_alone", defaults={"name": "独居", "name_en": "Living alone"}
    )
    tagged = make_event(world, cast.worker, item=item, required_tags=[alone], min_age=60)
    start = timezone.now() + dt.timedelta(minutes=30)
    came = make_event(
        world, cast.worker, item=item, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    s = signups.signup_create(actor=cast.liu, event=came)
    signups.signup_mark(actor=cast.worker, signup=s, attended=True)
    idea = proposals.proposal_create(
        actor=cast.liu,
        data=proposals.ProposalData(
            title="院坝电影夜", category="social", stage="all", description="夏天晚上放电影。"
        ),
    )
    return {"item": item, "tagged": tagged, "came": came, "idea": idea}


PAGES = [
    ("proposals", "liu", "activities:proposal-list", None),
    ("propose", "liu", "activities:proposal-create", None),
    ("proposal", "liu", "activities:proposal-detail", "idea"),
    ("proposal-decide", "worker", "activities:proposal-detail", "idea"),
    ("queue", "worker", "activities:proposal-queue", None),
    ("organiser-figures", "worker", "activities:organiser-figures", None),
    ("item-figures", "worker", "activities:catalogue-item", "item"),
    ("console-figures", "worker", "activities:console", "came"),
    ("event-tagged", "liu", "activities:event-detail", "tagged"),
    ("new-series", "worker", "activities:event-create", "item"),
]


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize(("case", "who", "name", "key"), PAGES, ids=[p[0] for p in PAGES])
def test_new_activities_page_has_no_serious_accessibility_violation(
    visitor, cast, setting, case, who, name, key, elderly
):
    user = getattr(cast, who)
    if elderly:
        user.elderly_mode = True
        user.save(update_fields=["elderly_mode"])
    visitor.login_as(user)
    args = [setting[key].uuid] if key else []
    visitor.visit(name, *args, label=f"{case}-{'elderly' if elderly else 'standard'}")
    assert visitor.page.evaluate("document.body.classList.contains('elderly')") == elderly
    visitor.assert_accessible(f"{case} ({'长辈版' if elderly else 'standard'})")


def test_a_resident_proposes_on_a_phone_and_the_worker_accepts_from_the_todo(visitor, cast, world):
    cast.liu.elderly_mode = True
    cast.liu.save(update_fields=["elderly_mode"])
    visitor.page.set_viewport_size({"width": 390, "height": 844})
    visitor.login_as(cast.liu)
    visitor.visit("activities:proposal-create", label="propose")
    visitor.page.get_by_role("button", name="提交提议").click()
    visitor.page.locator(".invalid-feedback").first.wait_for()
    visitor.screenshot("propose-empty")
    assert not Proposal.objects.exists()
    visitor.page.fill("#id_title", "老物件分享会")
    visitor.page.select_option("#id_category", "culture_sports")
    visitor.page.get_by_role("button", name="提交提议").click()
    visitor.page.locator("#proposal-state").wait_for()
    visitor.screenshot("proposed")
    proposal = Proposal.objects.get()
    visitor.login_as(cast.worker)
    visitor.visit("console:home", label="worker-home")
    visitor.page.get_by_role("link", name="1条居民活动提议等待答复").click()
    visitor.page.get_by_role("link", name="老物件分享会").click()
    visitor.page.locator("#accept").click()
    visitor.page.locator("#proposal-state").wait_for()
    visitor.screenshot("accepted")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED and proposal.item is not None
