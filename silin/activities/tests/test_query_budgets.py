"""The query budgets of the activities' hot paths (bench/signup_rush.py).

A sign-up POST by the API, won and put on the waiting list, and the pages a rush reads (the
event page, what's on near me, my activities), counted as the app runs them (the database
task backend, as in production) inside the test's transaction, where a transaction block
is a SAVEPOINT and its RELEASE rather than BEGIN and COMMIT. The page budgets are counted
with more rows than one (several sign-ups, several events): a query per row fails here.
A change that adds a query to these paths fails here first: raise a budget only with the
figures of bench/signup_rush.py in docs/benchmarks.md.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from silin.accounts.services import token_create
from silin.accounts.tests.factories import UserFactory, assign
from silin.activities.models import SignUp
from silin.activities.services import signups
from silin.activities.tests.factories import make_event, make_item
from silin.core.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The rush's resident: a RESIDENT role at a compound, a token used before, no household.
BUDGETS = {
    # Token, event (with whether it limits by tags or compounds), BEGIN, lock, one count,
    # INSERT, audit, COMMIT; a confirmed one also writes its reminders' task rows (one
    # INSERT, in the same transaction).
    "api_won": 9,
    "api_waiting": 8,
    # Signed up (the sign-up read with its feedback; the places and my place on the
    # waiting list in one count); not signed up (the eligibility needs no list the event
    # does not have).
    "event_page_mine": 6,
    "event_page": 6,
    # The 200 coming events as thin rows, their places, the page's 20 in full with their
    # required tags (shown on the cards).
    "near_me": 7,
    # Coming sign-ups, the last past ones, the calendar link's token.
    "mine": 5,
}


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def _racer(world, client):
    racer = UserFactory()
    assign(racer, Role.RESIDENT, world.tuoyuan)
    secret = token_create(actor=racer, name="budget")[1]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    client.get(f"{API}/activities/signups/mine")  # the token's first use writes last_used_at
    return client


def _sign_up(client, event):
    return client.post(
        f"{API}/activities/events/{event.uuid}/signups",
        json.dumps({"companions": 0}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.usefixtures("database_tasks")
@pytest.mark.parametrize(("full", "state"), [(False, "confirmed"), (True, "waiting")])
def test_an_api_sign_up_stays_within_its_query_budget(
    world, cast, client, full, state, django_assert_num_queries
):
    event = make_event(world, cast.worker, capacity=1)
    if full:
        signups.signup_create(actor=cast.liu, event=event)
    api = _racer(world, client)
    with django_assert_num_queries(BUDGETS["api_won" if state == "confirmed" else "api_waiting"]):
        response = _sign_up(api, event)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == state
    assert response.json()["waiting_position"] == (1 if full else None)


def _crowd(world, cast, n):
    """`n` events cast.liu signed up for: confirmed in every other one, waiting (behind a
    full house of others) in the rest."""
    item = make_item(world)
    events = [make_event(world, cast.worker, item=item, capacity=3, day=2 + i) for i in range(n)]
    for i, event in enumerate(events):
        if i % 2 == 0:
            signups.signup_create(actor=cast.liu, event=event)
        for _j in range(3):
            other = UserFactory()
            assign(other, Role.RESIDENT, world.tuoyuan)
            signups.signup_create(actor=other, event=event)
        if i % 2:
            signups.signup_create(actor=cast.liu, event=event)
    return events


@pytest.mark.parametrize("n", [1, 4])
def test_the_event_page_stays_within_its_query_budget(
    world, cast, login, n, django_assert_num_queries
):
    events = _crowd(world, cast, n)
    client = login(cast.liu)
    for event, budget in (
        (events[-1], "event_page_mine"),
        (make_event(world, cast.worker), "event_page"),
    ):
        url = reverse("activities:event-detail", args=[event.uuid])
        client.get(url)
        with django_assert_num_queries(BUDGETS[budget]):
            response = client.get(url)
        assert response.status_code == 200
    mine = SignUp.objects.get(event=events[-1], person=cast.liu)
    assert mine.state == (SignUp.State.WAITING if n == 4 else SignUp.State.CONFIRMED)


@pytest.mark.parametrize("n", [1, 4])
def test_near_me_and_my_activities_stay_within_their_query_budgets(
    world, cast, login, n, django_assert_num_queries
):
    _crowd(world, cast, n)
    client = login(cast.liu)
    for name, budget in (("activities:event-list", "near_me"), ("activities:mine", "mine")):
        url = reverse(name)
        client.get(url)
        with django_assert_num_queries(BUDGETS[budget]):
            response = client.get(url)
        assert response.status_code == 200
