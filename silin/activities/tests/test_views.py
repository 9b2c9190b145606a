"""The pages: a permission matrix (every cast member × every page, outsiders 404), sign-up
by plain POST + redirect, bad input told in the user's language with nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.activities.models import SignUp
from silin.activities.services import signups
from silin.activities.tests.factories import make_event, make_item

pytestmark = pytest.mark.django_db

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]
# Who sees the street's activities (home or a role in the street) and who runs 三江's.
SEES = {"street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer"}
RUNS = {"street_admin", "worker"}


@pytest.fixture
def setting(cast, world):
    item = make_item(world)
    event = make_event(world, cast.worker, item=item)
    draft = make_event(world, cast.worker, item=item, publish=False)
    return item, event, draft


@pytest.mark.parametrize("who", CAST)
def test_permission_matrix(who, cast, setting, client):
    item, event, draft = setting
    client.force_login(getattr(cast, who))
    pages = {
        "list": (reverse("activities:event-list"), True),
        "mine": (reverse("activities:mine"), True),
        "catalogue": (reverse("activities:catalogue"), True),
        "event": (reverse("activities:event-detail", args=[event.uuid]), who in SEES),
        "item": (reverse("activities:catalogue-item", args=[item.uuid]), who in SEES),
        "draft": (reverse("activities:event-detail", args=[draft.uuid]), who in RUNS),
        "console": (reverse("activities:console", args=[event.uuid]), who in RUNS),
        "add-people": (reverse("activities:people-add", args=[event.uuid]), who in RUNS),
        # Any organiser may plan an event of a street item (in the communities they run).
        "new-event": (
            reverse("activities:event-create", args=[item.uuid]),
            who in RUNS | {"other_worker"},
        ),
    }
    for name, (url, allowed) in pages.items():
        status = client.get(url).status_code
        assert status == (200 if allowed else 404), (who, name, status)
    api = {
        "events": (f"/api/v1/activities/events/{event.uuid}", who in SEES),
        "item": (f"/api/v1/activities/catalogue/{item.uuid}", who in SEES),
        "draft": (f"/api/v1/activities/events/{draft.uuid}", who in RUNS),
    }
    for name, (url, allowed) in api.items():
        status = client.get(url).status_code
        assert status == (200 if allowed else 404), (who, name, status)


def test_outsider_sees_an_empty_list(cast, setting, client):
    client.force_login(cast.outsider)
    page = client.get(reverse("activities:event-list")).content.decode()
    assert setting[1].title not in page


def test_sign_up_by_post_and_redirect_then_cancel(cast, setting, client):
    _, event, _ = setting
    client.force_login(cast.liu)
    url = reverse("activities:event-detail", args=[event.uuid])
    response = client.post(
        reverse("activities:signup-create", args=[event.uuid]), {"companions": 0}
    )
    assert response.status_code == 302 and response["Location"] == url
    signup = SignUp.objects.get(person=cast.liu)
    assert signup.state == SignUp.State.CONFIRMED
    page = client.get(url).content.decode()
    assert "已报名" in page or "You are signed up" in page
    client.post(reverse("activities:signup-cancel", args=[signup.uuid]))
    signup.refresh_from_db()
    assert signup.state == SignUp.State.CANCELLED


def test_too_many_companions_told_in_english_and_nothing_saved(cast, setting, client):
    _, event, _ = setting
    client.force_login(cast.liu)
    response = client.post(
        reverse("activities:signup-create", args=[event.uuid]),
        {"companions": 2},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "takes no companions" in response.content.decode()
    assert not SignUp.objects.exists()


def test_waiting_position_shown(cast, world, client):
    event = make_event(world, cast.worker, capacity=1)
    signups.signup_create(actor=cast.volunteer, event=event)
    client.force_login(cast.liu)
    client.post(reverse("activities:signup-create", args=[event.uuid]), {"companions": 0})
    page = client.get(
        reverse("activities:event-detail", args=[event.uuid]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "number 1 on the waiting list" in page


def test_worker_plans_and_publishes_from_the_catalogue(cast, world, client):
    item = make_item(world, title="坝坝宴")
    client.force_login(cast.worker)
    url = reverse("activities:event-create", args=[item.uuid])
    form = client.get(url)
    assert form.status_code == 200
    from silin.spaces.tests.factories import local

    response = client.post(
        url,
        {
            "title": "坝坝宴",
            "community": world.sanjiang.pk,
            "organiser_kind": "community",
            "place_text": "沱源中庭",
            "starts_at": local(5, 11).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 180,
            "capacity": 60,
            "max_companions": 2,
            "waiting_list": "on",
            "publish": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = item.events.get()
    assert event.state == "published" and event.capacity == 60


def test_console_cancel_needs_reason_and_tells_everyone(cast, setting, client):
    _, event, _ = setting
    signups.signup_create(actor=cast.liu, event=event)
    client.force_login(cast.worker)
    client.post(reverse("activities:event-cancel", args=[event.uuid]), {"reason": ""})
    event.refresh_from_db()
    assert event.state == "published"
    client.post(reverse("activities:event-cancel", args=[event.uuid]), {"reason": "下雨"})
    event.refresh_from_db()
    assert event.state == "cancelled"


def test_api_sign_up_my_sign_ups_and_errors(cast, setting, client):
    _, event, _ = setting
    client.force_login(cast.liu)
    url = f"/api/v1/activities/events/{event.uuid}/signups"
    created = client.post(url, {"companions": 0}, content_type="application/json")
    assert created.status_code == 201 and created.json()["state"] == "confirmed"
    twice = client.post(
        url, {"companions": 0}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert twice.status_code == 422
    assert "already signed up" in twice.json()["error"]["message"] + str(twice.json()["error"])
    mine = client.get("/api/v1/activities/signups/mine").json()
    assert [m["event"] for m in mine] == [str(event.uuid)]
    cancelled = client.post(f"/api/v1/activities/signups/{created.json()['uuid']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    listed = client.get("/api/v1/activities/events").json()
    assert listed["count"] == 1 and listed["results"][0]["uuid"] == str(event.uuid)


def test_my_activities_lists_the_next_twenty_then_all(cast, world, client):
    from silin.activities.views import SHOWN

    item = make_item(world)
    made = [make_event(world, cast.worker, item=item, day=2 + i) for i in range(SHOWN + 2)]
    for event in made:
        signups.signup_create(actor=cast.liu, event=event)
    client.force_login(cast.liu)
    url = reverse("activities:mine")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    links = [str(e.uuid) for e in made if str(e.uuid) in page]
    assert len(links) == SHOWN and 'id="mine-all"' in page
    every = client.get(url, {"all": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(str(e.uuid) in every for e in made) and 'id="mine-all"' not in every
