"""Who may open which page of the tree: every member of the cast × every page."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from silin.places.models import Household
from silin.places.permissions import is_own_household
from silin.places.tests.factories import HouseholdFactory

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]

# Expected status per page for each member of the cast. Pages are of 三江社区 (沱源, where
# 刘大爷 lives) unless named "jinlong".
MATRIX = {
    "community-list": dict(
        street_admin=200,
        worker=200,
        other_worker=200,
        grid_member=200,
        liu=200,
        volunteer=200,
        outsider=404,
    ),
    "community-detail": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=200,
        liu=200,
        volunteer=200,
        outsider=404,
    ),
    "community-detail-jinlong": dict(
        street_admin=200,
        worker=404,
        other_worker=200,
        grid_member=404,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
    "compound-detail": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=200,
        liu=200,
        volunteer=200,
        outsider=404,
    ),
    "building-detail": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=200,
        liu=200,
        volunteer=200,
        outsider=404,
    ),
    "household-detail": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=200,
        liu=200,
        volunteer=404,
        outsider=404,
    ),
    "household-detail-jinlong": dict(
        street_admin=200,
        worker=404,
        other_worker=200,
        grid_member=404,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
}


def _url(page: str, world) -> str:
    if page == "community-list":
        return reverse("places:community-list")
    if page == "community-detail":
        return reverse("places:community-detail", args=[world.sanjiang.uuid])
    if page == "community-detail-jinlong":
        return reverse("places:community-detail", args=[world.jinlong.uuid])
    if page == "compound-detail":
        return reverse("places:compound-detail", args=[world.tuoyuan.uuid])
    if page == "building-detail":
        return reverse("places:building-detail", args=[world.tuoyuan_unit.building.uuid])
    if page == "household-detail":
        return reverse("places:household-detail", args=[world.liu_household.uuid])
    return reverse("places:household-detail", args=[world.other_household.uuid])


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("who", CAST)
def test_each_cast_member_gets_the_expected_status_on_each_place_page(
    page, who, world, cast, login
):
    response = login(getattr(cast, who)).get(_url(page, world))
    assert response.status_code == MATRIX[page][who]


@pytest.mark.parametrize("page", list(MATRIX))
def test_anonymous_visitors_are_sent_to_login_from_place_pages(page, world, client):
    response = client.get(_url(page, world))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_resident_may_open_their_own_household_but_not_a_neighbours(world, cast):
    next_door = HouseholdFactory(unit=world.tuoyuan_unit, floor=2, door="202")
    assert is_own_household(cast.liu, world.liu_household)
    assert not is_own_household(cast.liu, next_door)
    assert cast.liu.has_perm("places.view_household", world.liu_household)
    assert not cast.liu.has_perm("places.view_household", next_door)


def test_a_resident_gets_404_for_a_neighbours_household_in_the_same_building(world, cast, login):
    next_door = HouseholdFactory(unit=world.tuoyuan_unit, floor=2, door="202")
    url = reverse("places:household-detail", args=[next_door.uuid])
    assert login(cast.liu).get(url).status_code == 404


def test_an_unknown_household_answers_404_like_one_out_of_scope(world, cast, login):
    url = reverse("places:household-detail", args=[uuid.uuid4()])
    assert login(cast.street_admin).get(url).status_code == 404
    assert Household.objects.count() == 2
