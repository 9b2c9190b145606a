"""Teams and courtyard alliances: the coordinator's page, the age rule of a 小老助大老 team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.mutualaid.models import Alliance, Team
from silin.mutualaid.tests.factories import make_helper

pytestmark = pytest.mark.django_db


def test_a_young_old_team_takes_helpers_of_its_ages_who_declared_their_health(cast, world, login):
    client = login(cast.worker)
    page = reverse("mutualaid:teams", args=[world.sanjiang.uuid])
    assert client.get(page).status_code == 200
    client.post(
        reverse("mutualaid:team-create", args=[world.sanjiang.uuid]),
        {"name": "沱源小老助大老", "kind": "young_old"},
    )
    team = Team.objects.get()
    assert (team.helper_min_age, team.helper_max_age, team.serves_from_age) == (60, 70, 80)
    join = reverse("mutualaid:team-join", args=[world.sanjiang.uuid])
    fit = make_helper(unit=world.tuoyuan_unit, floor=3, name="周姐", age=65)
    young = make_helper(unit=world.tuoyuan_unit, floor=4, name="小王", age=35)
    undeclared = make_helper(unit=world.tuoyuan_unit, floor=5, name="陈伯", age=66, health=False)
    for helper in (fit, young, undeclared):
        client.post(join, {"team": str(team.uuid), "helper": str(helper.uuid)})
    assert list(team.members.all()) == [fit]
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "周姐" in shown


def test_an_alliance_joins_two_compounds_or_more(cast, world, login):
    client = login(cast.worker)
    url = reverse("mutualaid:alliance-create", args=[world.sanjiang.uuid])
    client.post(url, {"name": "一院", "compounds": [str(world.tuoyuan.uuid)]})
    assert not Alliance.objects.exists()
    client.post(
        url, {"name": "沱源伊顿联盟", "compounds": [str(world.tuoyuan.uuid), str(world.eton.uuid)]}
    )
    assert Alliance.objects.get().compounds.count() == 2


@pytest.mark.parametrize("who", ["outsider", "other_worker", "liu", "grid_member"])
def test_teams_are_404_to_others(cast, world, login, who):
    client = login(getattr(cast, who))
    assert client.get(reverse("mutualaid:teams", args=[world.sanjiang.uuid])).status_code == 404
    made = client.post(
        reverse("mutualaid:team-create", args=[world.sanjiang.uuid]), {"name": "x", "kind": "other"}
    )
    assert made.status_code == 404
    assert not Team.objects.exists()


def test_a_worker_enrols_a_neighbour_without_a_phone(cast, world, login):
    from silin.mutualaid.models import HelperProfile

    client = login(cast.worker)
    page = client.get(reverse("mutualaid:helpers", args=[world.sanjiang.uuid]), {"name": "刘"})
    assert "刘大爷" in page.content.decode()
    client.post(
        reverse("mutualaid:helper-enrol", args=[world.sanjiang.uuid]),
        {"resident": str(world.liu.uuid), "skills": ["visit"], "monthly_cap": 4},
    )
    helper = HelperProfile.objects.get()
    assert (helper.resident, helper.skills, helper.verified_at) == (world.liu, ["visit"], None)
