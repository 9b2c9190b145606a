"""The pages and endpoints of proposals, series, figures, feedback and waiting lists: a
permission matrix (cast × page, outsiders 404), plain POST + redirect, bad input told in
the user's language with nothing saved, pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.activities.models import Event, EventSeries, Feedback, Proposal, SignUp
from silin.activities.services import proposals, signups
from silin.activities.tests.factories import make_event, make_item
from silin.activities.tests.test_proposals import _data
from silin.spaces.models import Booking
from silin.spaces.tests.factories import SpaceFactory, local, open_every_day

pytestmark = pytest.mark.django_db

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]
RUNS = {"street_admin", "worker"}
ORGANISERS = {"street_admin", "worker", "other_worker"}
DECIDES = {"street_admin", "worker"}  # of 三江社区's proposals
DECIDES_ANY = {"street_admin", "worker", "other_worker"}


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


@pytest.fixture
def setting(cast, world):
    item = make_item(world)
    event = make_event(world, cast.worker, item=item, capacity=1)
    proposal = proposals.proposal_create(actor=cast.liu, data=_data())
    return item, event, proposal


@pytest.mark.parametrize("who", CAST)
def test_permission_matrix_of_the_new_pages_and_endpoints(who, cast, setting, client):
    item, event, proposal = setting
    client.force_login(getattr(cast, who))
    pages = {
        "proposals": (reverse("activities:proposal-list"), True),
        "propose": (reverse("activities:proposal-create"), who == "liu"),
        "queue": (reverse("activities:proposal-queue"), who in DECIDES_ANY),
        "proposal": (
            reverse("activities:proposal-detail", args=[proposal.uuid]),
            who in DECIDES | {"liu"},
        ),
        "organiser-figures": (reverse("activities:organiser-figures"), who in ORGANISERS),
    }
    for name, (url, allowed) in pages.items():
        status = client.get(url).status_code
        assert status == (200 if allowed else 404), (who, name, status)
    api = {
        "proposals": ("/api/v1/activities/proposals", True),
        "proposal": (f"/api/v1/activities/proposals/{proposal.uuid}", who in DECIDES | {"liu"}),
        "waiting": (f"/api/v1/activities/events/{event.uuid}/waiting", who in RUNS),
        "feedback": (f"/api/v1/activities/events/{event.uuid}/feedback", who in RUNS),
    }
    for name, (url, allowed) in api.items():
        status = client.get(url).status_code
        assert status == (200 if allowed else 404), (who, name, status)
    # Deciding: 404 for whoever may not decide, and nothing changes.
    if who not in DECIDES:
        for action in ("proposal-accept", "proposal-decline"):
            url = reverse(f"activities:{action}", args=[proposal.uuid])
            assert client.post(url, {"reason": "不行"}).status_code == 404, (who, action)
        api_accept = client.post(f"/api/v1/activities/proposals/{proposal.uuid}/accept")
        assert api_accept.status_code == 404, who
        proposal.refresh_from_db()
        assert proposal.state == Proposal.State.PENDING


def test_a_resident_proposes_by_post_and_the_worker_declines_with_a_reason(cast, world, client):
    client.force_login(cast.liu)
    bad = client.post(
        reverse("activities:proposal-create"),
        {"title": "", "category": "social", "stage": "all"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(
        reverse("activities:proposal-create"),
        {"title": "院坝电影夜", "category": "social", "stage": "all", "for_families": "on"},
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("activities:proposal-detail", args=[proposal.uuid])
    client.force_login(cast.worker)
    queue = client.get(reverse("activities:proposal-queue")).content.decode()
    assert "院坝电影夜" in queue
    url = reverse("activities:proposal-decline", args=[proposal.uuid])
    told = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Say why the proposal is declined." in told.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.PENDING
    client.post(url, {"reason": "场地不够"})
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decline_reason) == ("declined", "场地不够")
    client.force_login(cast.liu)
    page = client.get(reverse("activities:proposal-detail", args=[proposal.uuid]))
    assert "场地不够" in page.content.decode()


def test_the_worker_accepts_from_the_page(cast, world, setting, client):
    _item, _event, proposal = setting
    client.force_login(cast.worker)
    client.post(reverse("activities:proposal-accept", args=[proposal.uuid]))
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED
    page = client.get(reverse("activities:catalogue-item", args=[proposal.item.uuid]))
    assert page.status_code == 200


def _series_post(world, space, rule_fields):
    return {
        "title": "象棋联赛",
        "community": world.sanjiang.pk,
        "organiser_kind": "community",
        "space": space.pk,
        "starts_at": local(3, 15).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 120,
        "capacity": 16,
        "max_companions": 0,
        "waiting_list": "on",
        **rule_fields,
    }


def test_a_series_from_the_form_is_all_or_nothing_on_a_taken_space(cast, world, client):
    hall = open_every_day(SpaceFactory(name="沱源共享空间", community=world.sanjiang, capacity=40))
    item = make_item(world)
    make_event(world, cast.worker, item=item, space=hall, place_text="", day=10)
    client.force_login(cast.worker)
    url = reverse("activities:event-create", args=[item.uuid])
    refused = client.post(
        url,
        _series_post(world, hall, {"repeat": "FREQ=WEEKLY", "times": 3}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200
    assert "The space cannot be booked on these dates:" in refused.content.decode()
    assert Event.objects.count() == 1 and Booking.objects.count() == 1
    assert not EventSeries.objects.exists()
    no_times = client.post(url, _series_post(world, hall, {"repeat": "FREQ=WEEKLY"}))
    assert no_times.status_code == 200 and Event.objects.count() == 1
    made = client.post(
        url, _series_post(world, hall, {"rrule": "FREQ=DAILY;INTERVAL=2;COUNT=2", "publish": "1"})
    )
    assert made.status_code == 302
    assert EventSeries.objects.get().events.count() == 2


def test_figures_on_the_console_and_item_page_in_pinned_queries(
    cast, world, client, django_assert_max_num_queries
):
    item = make_item(world)
    start = timezone.now() + dt.timedelta(minutes=30)
    event = make_event(
        world, cast.worker, item=item, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    s = signups.signup_create(actor=cast.liu, event=event)
    signups.signup_mark(actor=cast.worker, signup=s, attended=True)
    client.force_login(cast.worker)
    console = client.get(reverse("activities:console", args=[event.uuid])).content.decode()
    assert 'id="figures"' in console and "100%" in console
    page = client.get(reverse("activities:catalogue-item", args=[item.uuid])).content.decode()
    assert "100%" in page
    client.get(reverse("activities:organiser-figures"))  # warm the per-user memos
    with django_assert_max_num_queries(12):
        rows = client.get(reverse("activities:organiser-figures")).content.decode()
    assert "三江社工" in rows


def test_api_events_page_through_in_a_fixed_number_of_queries(
    cast, world, client, django_assert_num_queries
):
    item = make_item(world)
    for day in range(2, 8):
        make_event(world, cast.worker, item=item, day=day)
    client.force_login(cast.liu)
    first = client.get("/api/v1/activities/events?page_size=4").json()
    assert (first["count"], len(first["results"]), first["page"]) == (6, 4, 1)
    second = client.get("/api/v1/activities/events?page_size=4&page=2").json()
    assert len(second["results"]) == 2
    starts = [e["starts_at"] for e in first["results"] + second["results"]]
    assert starts == sorted(starts)
    with django_assert_num_queries(_queries(client, "/api/v1/activities/events?page_size=2")):
        client.get("/api/v1/activities/events?page_size=6")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_api_waiting_list_feedback_and_proposals(cast, world, setting, client):
    _item, event, proposal = setting
    signups.signup_create(actor=cast.volunteer, event=event)
    waiting = signups.signup_create(actor=cast.liu, event=event)
    client.force_login(cast.liu)
    own = client.get(f"/api/v1/activities/signups/{waiting.uuid}").json()
    assert (own["state"], own["waiting_position"]) == ("waiting", 1)
    client.force_login(cast.worker)
    listed = client.get(f"/api/v1/activities/events/{event.uuid}/waiting").json()
    assert [(w["position"], w["name"]) for w in listed] == [(1, "刘大爷")]
    # The worker may not read someone's sign-up as their own.
    assert client.get(f"/api/v1/activities/signups/{waiting.uuid}").status_code == 404
    # Feedback: after attending, once; the organiser lists it.
    start = timezone.now() + dt.timedelta(minutes=30)
    soon = make_event(world, cast.worker, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    s = signups.signup_mark(
        actor=cast.worker, signup=signups.signup_create(actor=cast.liu, event=soon), attended=True
    )
    client.force_login(cast.liu)
    url = f"/api/v1/activities/signups/{s.uuid}/feedback"
    bad = client.post(url, {"rating": 9}, content_type="application/json")
    assert bad.status_code == 422 and not Feedback.objects.exists()
    given = client.post(url, {"rating": 4, "comment": "好"}, content_type="application/json")
    assert given.status_code == 201 and given.json()["rating"] == 4
    twice = client.post(url, {"rating": 4}, content_type="application/json")
    assert twice.status_code == 422
    client.force_login(cast.worker)
    got = client.get(f"/api/v1/activities/events/{soon.uuid}/feedback").json()
    assert [(f["rating"], f["name"]) for f in got["results"]] == [(4, "刘大爷")]
    # Proposals: declined with a reason; bad input is 422 with nothing saved.
    decline = f"/api/v1/activities/proposals/{proposal.uuid}/decline"
    empty = client.post(decline, {"reason": " "}, content_type="application/json")
    assert empty.status_code == 422
    done = client.post(decline, {"reason": "场地不够"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "declined"
    client.force_login(cast.liu)
    made = client.post(
        "/api/v1/activities/proposals",
        {"title": "读书会", "category": "learning", "stage": "all"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["state"] == "pending"
    wrong = client.post(
        "/api/v1/activities/proposals",
        {"title": "读书会", "category": "nope", "stage": "all"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and Proposal.objects.count() == 2
    mine = client.get("/api/v1/activities/proposals").json()
    assert mine["count"] == 2
    client.force_login(cast.outsider)
    assert client.post(
        "/api/v1/activities/proposals",
        {"title": "读书会", "category": "learning", "stage": "all"},
        content_type="application/json",
    ).status_code in (403, 404)
    assert SignUp.objects.filter(event=event).count() == 2
