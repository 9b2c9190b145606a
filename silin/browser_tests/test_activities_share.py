"""Sharing an activity in a browser: the organiser sends a message from the console
(standard and 长辈版, axe-core on the form with its error and on the list of messages sent),
and the poster opened from the event page."""

from __future__ import annotations

import pytest

from silin.activities.models import EventMessage
from silin.activities.services import signups
from silin.activities.tests.factories import make_event, make_item

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _midday(clock):
    """The server's clock at noon of the suite's day, so no test depends on the hour."""
    clock.move_to(12)


@pytest.fixture
def league(world, cast):
    event = make_event(world, cast.worker, item=make_item(world, title="象棋联赛"), capacity=4)
    signups.signup_create(actor=cast.liu, event=event)
    signups.signup_create(actor=cast.volunteer, event=event)
    return event


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_the_organiser_sends_a_message_from_the_console(visitor, cast, league, elderly):
    cast.worker.elderly_mode = elderly
    cast.worker.save(update_fields=["elderly_mode"])
    mode = "elderly" if elderly else "standard"
    visitor.login_as(cast.worker)
    visitor.visit("activities:console", league.uuid, label=f"share-console-{mode}")
    visitor.page.fill("#id_text", "明天下午两点半在沱源小区中庭集合，请带上自己的棋盘。")
    visitor.page.get_by_role("button", name="发送消息").click()
    visitor.page.locator("#message-form .invalid-feedback").first.wait_for()
    visitor.screenshot(f"share-message-unconfirmed-{mode}")
    visitor.assert_accessible(f"message form with an error ({mode})")
    assert not EventMessage.objects.exists()
    visitor.page.check("#id_confirm")
    visitor.page.get_by_role("button", name="发送消息").click()
    visitor.page.locator("#sent-messages").wait_for()
    visitor.screenshot(f"share-message-sent-{mode}")
    visitor.assert_accessible(f"console with a message sent ({mode})")
    assert EventMessage.objects.get().recipients == 2


def test_the_poster_opens_from_the_event_page(visitor, cast, league):
    visitor.login_as(cast.liu)
    visitor.visit("activities:event-detail", league.uuid, label="share-event")
    visitor.page.click("#poster-link")
    visitor.page.wait_for_load_state()
    assert visitor.page.url.endswith("/poster.png")
    visitor.screenshot("share-poster")
    size = visitor.page.evaluate(
        "[document.images[0].naturalWidth, document.images[0].naturalHeight]"
    )
    assert size == [1080, 1620]
