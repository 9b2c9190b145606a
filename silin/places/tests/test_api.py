"""The tree and the household register over the API, scoped like the pages."""

from __future__ import annotations

import pytest

from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.places.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _tree_names(body):
    return {
        s["name"]: {c["name"]: sorted(x["name"] for x in c["compounds"]) for c in s["communities"]}
        for s in body
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "street_admin",
            {"赵镇街道": {"三江社区": ["伊顿小镇", "沱源"], "金龙社区": ["金都华府"]}},
        ),
        ("worker", {"赵镇街道": {"三江社区": ["伊顿小镇", "沱源"]}}),
        ("other_worker", {"赵镇街道": {"金龙社区": ["金都华府"]}}),
        ("grid_member", {"赵镇街道": {"三江社区": ["伊顿小镇", "沱源"]}}),
        ("liu", {"赵镇街道": {"三江社区": ["沱源"]}}),
        ("volunteer", {"赵镇街道": {"三江社区": ["伊顿小镇", "沱源"]}}),
        ("outsider", {}),
    ],
)
def test_tree_holds_only_what_the_actor_may_see(cast, world, who, expected):
    response = client_for(getattr(cast, who)).get(f"{API}/tree")
    assert response.status_code == 200
    assert _tree_names(response.json()) == expected


def test_tree_query_count_is_fixed(cast, world, django_assert_max_num_queries):
    client = client_for(cast.street_admin)
    client.get(f"{API}/me")
    with django_assert_max_num_queries(9):
        client.get(f"{API}/tree")


SANJIANG_VISIBLE = {
    "street_admin": True,
    "worker": True,
    "other_worker": False,
    "grid_member": True,
    "liu": True,
    "volunteer": True,
    "outsider": False,
}


@pytest.mark.parametrize(("who", "visible"), SANJIANG_VISIBLE.items())
def test_community_and_compound_detail_outside_scope_answer_404(cast, world, who, visible):
    client = client_for(getattr(cast, who))
    for path in (f"/communities/{world.sanjiang.uuid}", f"/compounds/{world.tuoyuan.uuid}"):
        response = client.get(API + path)
        if visible:
            assert response.status_code == 200, (who, path)
        else:
            assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("who", "count"),
    [
        ("street_admin", 2),
        ("worker", 1),
        ("other_worker", 1),
        ("grid_member", 1),
        ("liu", 1),
        ("volunteer", 1),
        ("outsider", 0),
    ],
)
def test_community_list_is_scoped(cast, world, who, count):
    assert client_for(getattr(cast, who)).get(f"{API}/communities").json()["count"] == count


def test_community_detail_lists_only_the_compounds_the_actor_may_see(cast, world):
    body = client_for(cast.liu).get(f"{API}/communities/{world.sanjiang.uuid}").json()
    assert [c["name"] for c in body["compounds"]] == ["沱源"]


def test_compound_detail_has_buildings_and_units(cast, world):
    body = client_for(cast.worker).get(f"{API}/compounds/{world.tuoyuan.uuid}").json()
    assert body["community"]["name"] == "三江社区"
    assert [(b["number"], [u["number"] for u in b["units"]]) for b in body["buildings"]] == [
        ("3", ["1"])
    ]


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
        # session, user, role assignments, count, page; the session save in a savepoint
        with django_assert_num_queries(9):
            body = client.get(f"{API}/households?page_size={size}").json()
        assert len(body["results"]) == size
