"""The tree over the API, scoped like the pages (households: people/tests/test_place_api)."""

from __future__ import annotations

import pytest

from silin.core.tests.api_helpers import API, assert_error, client_for

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
