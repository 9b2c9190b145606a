"""邻距离 in a browser: axe-core on every activities page in the standard view and in 长辈版
(nothing serious or critical), and 刘大爷 signing up with his grandson on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.accounts.tests.factories import UserFactory, assign
from silin.activities.models import Feedback, SignUp
from silin.activities.services import signups
from silin.activities.tests.factories import make_event, make_item
from silin.core.roles import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def activities(world, cast):
    chess = make_item(world, description="各小区棋友每周对弈。", materials="棋盘")
    banquet = make_item(world, title="院落坝坝宴", category="banquet", group_size=40)
    league = make_event(world, cast.worker, item=chess, capacity=2)
    feast = make_event(world, cast.worker, item=banquet, capacity=40, max_companions=2, day=5)
    signups.signup_create(actor=cast.liu, event=league)
    signups.signup_create(actor=cast.volunteer, event=league)
    neighbour = UserFactory(name="张阿姨", mobile="13700009999")
    assign(neighbour, Role.RESIDENT, world.tuoyuan)
    signups.signup_create(actor=neighbour, event=league)  # waiting
    return {"chess": chess, "banquet": banquet, "league": league, "feast": feast}


PAGES = [
    ("near-me", "liu", lambda a: reverse("activities:event-list")),
    (
        "event-signed-up",
        "liu",
        lambda a: reverse("activities:event-detail", args=[a["league"].uuid]),
    ),
    ("event-open", "liu", lambda a: reverse("activities:event-detail", args=[a["feast"].uuid])),
    ("mine", "liu", lambda a: reverse("activities:mine")),
    ("catalogue", "liu", lambda a: reverse("activities:catalogue")),
    ("item", "worker", lambda a: reverse("activities:catalogue-item", args=[a["chess"].uuid])),
    ("new-event", "worker", lambda a: reverse("activities:event-create", args=[a["banquet"].uuid])),
    ("console", "worker", lambda a: reverse("activities:console", args=[a["league"].uuid])),
]


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize(("case", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_activities_page_has_no_serious_accessibility_violation(
    visitor, cast, activities, case, who, path, elderly
):
    user = getattr(cast, who)
    if elderly:
        user.elderly_mode = True
        user.save(update_fields=["elderly_mode"])
    visitor.login_as(user)
    visitor.visit(path(activities), label=f"{case}-{'elderly' if elderly else 'standard'}")
    assert visitor.page.evaluate("document.body.classList.contains('elderly')") == elderly
    visitor.assert_accessible(f"{case} ({'长辈版' if elderly else 'standard'})")


def test_liu_signs_up_for_the_banquet_with_his_grandson(visitor, cast, activities):
    cast.liu.elderly_mode = True
    cast.liu.save(update_fields=["elderly_mode"])
    visitor.page.set_viewport_size({"width": 390, "height": 844})
    visitor.login_as(cast.liu)
    visitor.visit("activities:event-detail", activities["feast"].uuid, label="banquet")
    visitor.page.fill("#id_companions", "1")
    visitor.page.get_by_role("button", name="报名").click()
    visitor.page.locator("#my-state").wait_for()
    visitor.screenshot("signed-up")
    assert "您已报名" in visitor.page.inner_text("#my-state")
    signup = SignUp.objects.get(person=cast.liu, event=activities["feast"])
    assert signup.companions == 1 and signup.state == SignUp.State.CONFIRMED


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_the_feedback_form_is_accessible_and_takes_a_smiling_face(visitor, cast, world, elderly):
    start = timezone.now() + dt.timedelta(minutes=30)
    event = make_event(world, cast.worker, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    signup = signups.signup_create(actor=cast.liu, event=event)
    signups.signup_mark(actor=cast.worker, signup=signup, attended=True)
    cast.liu.elderly_mode = elderly
    cast.liu.save(update_fields=["elderly_mode"])
    visitor.page.set_viewport_size({"width": 390, "height": 844})
    visitor.login_as(cast.liu)
    visitor.visit("activities:event-detail", event.uuid, label="feedback")
    visitor.assert_accessible(f"feedback ({'长辈版' if elderly else 'standard'})")
    if elderly:
        visitor.page.get_by_role("button", name="好", exact=True).click()
        visitor.page.locator("#my-place").wait_for()
        visitor.screenshot("rated")
        assert Feedback.objects.get(signup=signup).rating == 5


@pytest.fixture(autouse=True)
def _midday(clock):
    """The server's clock at noon of the suite's day, so no test depends on the hour."""
    clock.move_to(12)
