"""The household register over the API (/households), scoped like the pages."""

from __future__ import annotations

import pytest

from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.places.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "count", "detail"),
    [
        ("street_admin", 2, 200),
        ("worker", 1, 200),
        ("other_worker", 1, 404),
        ("grid_member", 1, 200),
        ("liu", 0, 404),
        ("volunteer", 0, 404),
        ("outsider", 0, 404),
    ],
)
def test_household_register_is_scoped(cast, world, who, count, detail):
    client = client_for(getattr(cast, who))
    assert client.get(f"{API}/households").json()["count"] == count
    response = client.get(f"{API}/households/{world.liu_household.uuid}")
    if detail == 404:
        assert_error(response, 404, "not_found")
    else:
        body = response.json()
        assert body["resident_count"] == 1
        assert [(m["name"], m["mobile_masked"]) for m in body["members"]] == [
            ("刘大爷", "138****1234")
        ]


def test_household_filters(cast, world):
    client = client_for(cast.street_admin)
    building = world.tuoyuan_unit.building

    def count(query):
        return client.get(f"{API}/households?{query}").json()["count"]

    assert count(f"community={world.sanjiang.uuid}") == 1
    assert count(f"compound={world.jindu.uuid}") == 1
    assert count(f"building={building.uuid}") == 1
    assert count(f"compound={world.eton.uuid}") == 0
    assert (
        "community"
        in assert_error(client.get(f"{API}/households?community=nope"), 422, "invalid")["fields"]
    )


def test_household_list_query_count_does_not_grow_with_page_size(
    cast, world, django_assert_num_queries
):
    for _ in range(30):
        HouseholdFactory(unit=world.tuoyuan_unit)
    client = client_for(cast.worker)
    client.get(f"{API}/me")
    for size in (5, 30):
        # session, user (with its role grants), count, page; the session save in a savepoint
        with django_assert_num_queries(5):
            body = client.get(f"{API}/households?page_size={size}").json()
        assert len(body["results"]) == size
