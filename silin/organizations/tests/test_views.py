"""Organisation pages: forms with bad input, filters, fixed query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.organizations.models import Organization
from silin.people.tests.factories import ResidentFactory


def _form(world, **overrides) -> dict:
    data = {
        "name": "沱源舞蹈队",
        "kind": "filed",
        "field": "culture_sports",
        "community": str(world.sanjiang.uuid),
        "contact_name": "李老师",
        "contact_phone": "13900001111",
        "founded_on": "",
        "description": "",
    }
    data.update(overrides)
    return data


def test_a_worker_creates_an_organisation_through_the_form(world, cast, login):
    response = login(cast.worker).post(reverse("organizations:organization-create"), _form(world))
    assert response.status_code == 302
    assert Organization.objects.get().community == world.sanjiang


@pytest.mark.parametrize(
    ("language", "message"), [("zh-hans", "不在您负责的范围"), ("en", "outside the area")]
)
def test_a_worker_cannot_pick_another_community_and_nothing_is_saved(
    language, message, world, cast, login
):
    client = login(cast.worker)
    client.cookies["silin_language"] = language
    data = _form(world, community=str(world.jinlong.uuid))
    response = client.post(reverse("organizations:organization-create"), data)
    assert response.status_code == 400
    assert "community" in response.context["form"].errors
    assert message in response.content.decode()
    assert not Organization.objects.exists()


def test_the_community_choices_are_those_the_worker_looks_after(world, cast, login):
    response = login(cast.worker).get(reverse("organizations:organization-create"))
    assert list(response.context["form"].fields["community"].queryset) == [world.sanjiang]


def test_the_kind_filter_narrows_the_list(world, cast, login):
    Organization.objects.create(name="甲", kind="filed", field="other", community=world.sanjiang)
    Organization.objects.create(
        name="乙", kind="registered", field="other", community=world.sanjiang
    )
    response = login(cast.worker).get(
        reverse("organizations:organization-list"), {"kind": "registered"}
    )
    assert [o.name for o in response.context["page"].object_list] == ["乙"]


def test_member_search_finds_residents_of_the_community_only(world, cast, login):
    organization = Organization.objects.create(
        name="甲", kind="filed", field="other", community=world.sanjiang
    )
    url = reverse("organizations:member-search", args=[organization.uuid])
    html = login(cast.street_admin).get(url, {"q": "阿"}).content.decode()
    assert "王阿姨" not in html  # lives in 金龙社区
    html = login(cast.street_admin).get(url, {"q": "刘"}).content.decode()
    assert "刘大爷" in html


@pytest.mark.parametrize("extra", [5, 30])
def test_the_organisation_list_runs_a_fixed_number_of_queries(
    extra, world, cast, login, django_assert_num_queries
):
    for i in range(extra):
        leader = ResidentFactory(household=world.liu_household)
        organization = Organization.objects.create(
            name=f"组织{i}", kind="filed", field="other", community=world.sanjiang, leader=leader
        )
        organization.members.add(leader, world.liu)
    client = login(cast.worker)
    url = reverse("organizations:organization-list")
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["page"].object_list) == min(extra, 25)
