"""The query budgets of the hot paths (docs/architecture.md, "Where the time goes").

A booking POST that is refused costs at most 6 queries and a booking at most 10 (issue 10),
counted here as the app runs them (the database task backend, as in production) inside
the test's transaction, where a transaction block is a SAVEPOINT and its RELEASE rather
than BEGIN and COMMIT. A change that adds a query to these paths fails here first: raise
a budget only with the figures of bench/rush.py in docs/benchmarks.md.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from silin.accounts.services import token_create
from silin.accounts.tests.factories import UserFactory, assign
from silin.core.roles import Role
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, local, open_every_day

pytestmark = pytest.mark.django_db

API = "/api/v1"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Counted with a resident who has a household (刘大爷): the token (or the session's user,
# which carries the role grants), the household, the space (for the API with the
# pre-check of the slot). A resident without a household, as the rush's in
# bench/rush.py, costs one query fewer: 2 for a refusal and 10 for a booking by the API,
# the issue's targets (6 and 10).
BUDGETS = {
    "api_refused": 3,
    "api_won": 11,
    "page_refused": 6,
    "page_won": 14,
    "space_page": 6,
}


@pytest.fixture
def room(world):
    space = SpaceFactory(
        name="棋牌室", community=world.sanjiang, compound=world.tuoyuan, capacity=8
    )
    return open_every_day(space)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def _body(start):
    return {
        "starts_at": start.isoformat(),
        "ends_at": start.replace(hour=start.hour + 1).isoformat(),
        "purpose": "下棋",
        "attendees": 2,
    }


def _api_post(client, room, start):
    return client.post(
        f"{API}/spaces/{room.uuid}/bookings",
        json.dumps(_body(start)),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _token_client(client, user):
    secret = token_create(actor=user, name="budget")[1]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    client.get(f"{API}/bookings/mine")  # the token's first use writes last_used_at
    return client


@pytest.mark.usefixtures("database_tasks")
def test_an_api_booking_stays_within_its_query_budget(
    cast, room, client, django_assert_num_queries
):
    api = _token_client(client, cast.liu)
    with django_assert_num_queries(BUDGETS["api_won"]):
        response = _api_post(api, room, local(2, 9))
    assert response.status_code == 201, response.content


@pytest.mark.usefixtures("database_tasks")
def test_an_api_refusal_of_a_taken_slot_stays_within_its_query_budget(
    cast, room, client, django_assert_num_queries
):
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    api = _token_client(client, cast.liu)
    with django_assert_num_queries(BUDGETS["api_refused"]):
        response = _api_post(api, room, local(2, 9))
    assert response.status_code == 409, response.content


def _page_post(client, room, start):
    body = _body(start)
    body.update(starts_at=start.strftime("%Y-%m-%dT%H:%M"))
    body.update(ends_at=start.replace(hour=start.hour + 1).strftime("%Y-%m-%dT%H:%M"))
    return client.post(reverse("spaces:booking-create", args=[room.uuid]), body)


@pytest.mark.usefixtures("database_tasks")
def test_a_booking_from_the_page_stays_within_its_query_budget(
    cast, room, login, django_assert_num_queries
):
    client = login(cast.liu)
    client.get(reverse("spaces:space-detail", args=[room.uuid]))  # warm the session
    with django_assert_num_queries(BUDGETS["page_won"]):
        response = _page_post(client, room, local(2, 9))
    assert response.status_code == 302, response.content


@pytest.mark.usefixtures("database_tasks")
def test_a_refusal_on_the_page_stays_within_its_query_budget(
    cast, room, login, django_assert_num_queries
):
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    client = login(cast.liu)
    client.get(reverse("spaces:space-detail", args=[room.uuid]))
    with django_assert_num_queries(BUDGETS["page_refused"]):
        response = _page_post(client, room, local(2, 9))
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("bookings", [0, 12])
def test_the_space_page_stays_within_its_query_budget(
    cast, room, login, bookings, django_assert_num_queries
):
    for i in range(bookings):
        start = local(1, 8).replace(hour=8 + i)
        BookingFactory(space=room, starts_at=start, ends_at=start.replace(hour=9 + i))
    client = login(cast.liu)
    url = reverse("spaces:space-detail", args=[room.uuid])
    client.get(url)
    with django_assert_num_queries(BUDGETS["space_page"]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.usefixtures("database_tasks")
@pytest.mark.parametrize(("taken", "budget", "status"), [(False, 10, 201), (True, 2, 409)])
def test_the_rush_residents_booking_meets_the_issue_targets(
    world, room, client, taken, budget, status, django_assert_num_queries
):
    """The shape of bench/rush.py: a resident of the compound with a token, no household."""
    racer = UserFactory()
    assign(racer, Role.RESIDENT, world.tuoyuan)
    if taken:
        BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    api = _token_client(client, racer)
    with django_assert_num_queries(budget):
        response = _api_post(api, room, local(2, 9))
    assert response.status_code == status, response.content
