"""The pages of the tree of places: what each shows, scoped, with fixed query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.people.models import Tag
from silin.people.tests.factories import ResidentFactory
from silin.places.models import Grid
from silin.places.tests.factories import BuildingFactory, HouseholdFactory, UnitFactory


def test_the_tree_root_lists_the_workers_community_with_counts(world, cast, login):
    response = login(cast.worker).get(reverse("places:community-list"))
    [(street, communities)] = response.context["tree"]
    assert street == world.street
    assert [c.name for c in communities] == ["三江社区"]
    sanjiang = communities[0]
    assert (sanjiang.compound_count, sanjiang.household_count, sanjiang.resident_count) == (2, 1, 1)


def test_the_street_admin_sees_every_community_of_the_street(world, cast, login):
    response = login(cast.street_admin).get(reverse("places:community-list"))
    [(_street, communities)] = response.context["tree"]
    assert [c.name for c in communities] == ["三江社区", "金龙社区"]


def test_a_resident_sees_only_the_compound_they_live_in(world, cast, login):
    url = reverse("places:community-detail", args=[world.sanjiang.uuid])
    response = login(cast.liu).get(url)
    assert [c.name for c in response.context["compounds"]] == ["沱源"]


def test_the_community_page_shows_each_compound_with_its_kind_and_counts(world, cast, login):
    url = reverse("places:community-detail", args=[world.sanjiang.uuid])
    response = login(cast.worker).get(url)
    tuoyuan = next(c for c in response.context["compounds"] if c.name == "沱源")
    assert (tuoyuan.building_count, tuoyuan.household_count, tuoyuan.resident_count) == (1, 1, 1)
    assert "商品房小区" in response.content.decode()


def test_the_building_page_groups_households_by_floor_from_the_top(world, cast, login):
    HouseholdFactory(unit=world.tuoyuan_unit, floor=5, door="501")
    url = reverse("places:building-detail", args=[world.tuoyuan_unit.building.uuid])
    response = login(cast.worker).get(url)
    [unit] = response.context["units"]
    assert [floor for floor, _households in unit.floors] == [5, 2]
    assert reverse("places:household-detail", args=[world.liu_household.uuid]) in (
        response.content.decode()
    )


def test_a_volunteer_sees_the_building_but_no_links_into_households(world, cast, login):
    url = reverse("places:building-detail", args=[world.tuoyuan_unit.building.uuid])
    response = login(cast.volunteer).get(url)
    assert response.status_code == 200
    household_url = reverse("places:household-detail", args=[world.liu_household.uuid])
    assert household_url not in response.content.decode()


def test_the_household_page_shows_the_address_path_and_members(world, cast, login):
    url = reverse("places:household-detail", args=[world.liu_household.uuid])
    html = login(cast.worker).get(url).content.decode()
    for part in ("赵镇街道", "三江社区", "沱源", "3 栋", "1 单元", "201"):
        assert part in html
    assert "刘大爷" in html and "138****1234" in html
    assert "户主" in html  # relation
    building = reverse("places:building-detail", args=[world.tuoyuan_unit.building.uuid])
    assert f'href="{building}#unit-{world.tuoyuan_unit.uuid}"' in html  # the unit links too


def test_liu_on_his_own_household_page_may_open_only_his_own_record(world, cast, login):
    wife = ResidentFactory(name="刘大妈", household=world.liu_household, relation="spouse")
    url = reverse("places:household-detail", args=[world.liu_household.uuid])
    html = login(cast.liu).get(url).content.decode()
    assert reverse("people:resident-detail", args=[world.liu.uuid]) in html
    assert reverse("people:resident-detail", args=[wife.uuid]) not in html
    assert "刘大妈" in html


@pytest.mark.parametrize("extra", [5, 30])
def test_the_household_page_runs_a_fixed_number_of_queries(
    extra, world, cast, login, django_assert_num_queries
):
    tags = list(Tag.objects.all()[:3])
    for _ in range(extra):
        ResidentFactory(household=world.liu_household).tags.set(tags)
    client = login(cast.worker)
    url = reverse("places:household-detail", args=[world.liu_household.uuid])
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["members"]) == extra + 1


@pytest.mark.parametrize("extra", [2, 12])
def test_the_building_page_runs_a_fixed_number_of_queries(
    extra, world, cast, login, django_assert_num_queries
):
    building = world.tuoyuan_unit.building
    for i in range(extra):
        unit = UnitFactory(building=building, number=str(i + 2))
        HouseholdFactory(unit=unit, floor=1, door="101")
    client = login(cast.worker)
    url = reverse("places:building-detail", args=[building.uuid])
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["units"]) == extra + 1


@pytest.mark.parametrize("extra", [1, 8])
def test_the_compound_page_runs_a_fixed_number_of_queries(
    extra, world, cast, login, django_assert_num_queries
):
    for i in range(extra):
        BuildingFactory(compound=world.tuoyuan, number=str(100 + i))
    client = login(cast.worker)
    url = reverse("places:compound-detail", args=[world.tuoyuan.uuid])
    client.get(url)
    with django_assert_num_queries(5):
        client.get(url)


def test_the_community_page_lists_its_grids_with_buildings_and_grid_members(world, cast, login):
    grid = Grid.objects.create(community=world.sanjiang, name="第一网格")
    grid.buildings.add(world.tuoyuan_unit.building)
    grid.members.add(cast.grid_member)
    Grid.objects.create(community=world.jinlong, name="金龙网格")
    response = login(cast.worker).get(
        reverse("places:community-detail", args=[world.sanjiang.uuid])
    )
    page = response.content.decode()
    assert "第一网格" in page and cast.grid_member.name in page
    assert "金龙网格" not in page
    assert reverse("places:building-detail", args=[world.tuoyuan_unit.building.uuid]) in page
