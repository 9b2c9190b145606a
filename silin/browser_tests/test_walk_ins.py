"""The organiser's "add people" page on a phone: a worker finds 王奶奶 (no phone) in the
register and records her at the door, then adds a guest; axe-core in the standard view and
in 长辈版 finds nothing serious or critical."""

from __future__ import annotations

import pytest

from silin.activities.models import SignUp
from silin.activities.tests.factories import make_soon_event
from silin.people.tests.factories import ResidentFactory

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _midday(clock):
    """The server's clock at noon of the suite's day, so no test depends on the hour."""
    clock.move_to(12)


@pytest.fixture
def banquet(world, cast):
    return make_soon_event(world, cast.worker, capacity=6, max_companions=2)


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_a_worker_adds_walk_ins_at_the_door_on_a_phone(visitor, world, cast, banquet, elderly):
    granny = ResidentFactory(name="王奶奶", household=world.liu_household)
    if elderly:
        cast.worker.elderly_mode = True
        cast.worker.save(update_fields=["elderly_mode"])
    page = visitor.page
    page.set_viewport_size(PHONE)
    visitor.login_as(cast.worker)
    visitor.visit("activities:people-add", banquet.uuid, label=f"people-{elderly}")
    visitor.assert_accessible(f"add people ({'长辈版' if elderly else 'standard'})")
    page.fill("#people-q", "王奶")
    page.get_by_role("button", name="查找").click()
    page.wait_for_selector("#people-matches")
    page.fill("#companions-1", "1")
    page.get_by_role("button", name="现场签到 · 王奶奶").click()
    page.wait_for_selector(".alert-success")
    assert "王奶奶 已到场" in page.inner_text(".alert-success")
    # Back on the same search: she is shown as come, with no second button.
    assert "已到场" in page.inner_text("#people-matches")
    assert page.get_by_role("button", name="现场签到 · 王奶奶").count() == 0
    page.fill("#id_guest_name", "李叔")
    page.get_by_role("button", name="添加来宾").click()
    page.wait_for_selector("#people-walk-ins li:nth-child(2)")
    visitor.screenshot(f"people-added-{elderly}")
    visitor.assert_accessible(f"add people, after ({'长辈版' if elderly else 'standard'})")
    rows = SignUp.objects.filter(event=banquet, walk_in=True)
    assert {(s.resident_id, s.guest_name, s.places) for s in rows} == {
        (granny.pk, "", 2),
        (None, "李叔", 1),
    }
