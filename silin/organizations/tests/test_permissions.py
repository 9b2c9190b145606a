"""Who may open and change which organisation page: every member of the cast × every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.organizations.models import Organization

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]

# The organisation belongs to 三江社区.
MATRIX = {
    "organization-list": dict(
        street_admin=200,
        worker=200,
        other_worker=200,
        grid_member=200,
        liu=200,
        volunteer=200,
        outsider=404,
    ),
    "organization-detail": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=200,
        liu=200,
        volunteer=200,
        outsider=404,
    ),
    "organization-create": dict(
        street_admin=200,
        worker=200,
        other_worker=200,
        grid_member=404,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
    "organization-edit": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=404,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
    "member-search": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=404,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
}


@pytest.fixture
def dance_team(world):
    return Organization.objects.create(
        name="沱源舞蹈队", kind="filed", field="culture_sports", community=world.sanjiang
    )


def _url(page: str, organization) -> str:
    if page in {"organization-list", "organization-create"}:
        return reverse(f"organizations:{page}")
    return reverse(f"organizations:{page}", args=[organization.uuid])


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("who", CAST)
def test_each_cast_member_gets_the_expected_status_on_each_organisation_page(
    page, who, dance_team, cast, login
):
    response = login(getattr(cast, who)).get(_url(page, dance_team))
    assert response.status_code == MATRIX[page][who]


@pytest.mark.parametrize("page", list(MATRIX))
def test_anonymous_visitors_are_sent_to_login_from_organisation_pages(page, dance_team, client):
    response = client.get(_url(page, dance_team))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 302),
        ("worker", 302),
        ("other_worker", 404),
        ("grid_member", 404),
        ("liu", 404),
        ("volunteer", 404),
        ("outsider", 404),
    ],
)
def test_adding_a_member_is_for_editors_of_the_organisations_community(
    who, status, dance_team, world, cast, login
):
    url = reverse("organizations:member-add", args=[dance_team.uuid])
    response = login(getattr(cast, who)).post(url, {"resident": str(world.liu.uuid)})
    assert response.status_code == status
    assert dance_team.members.filter(pk=world.liu.pk).exists() == (status == 302)


def test_the_list_shows_only_organisations_of_the_viewers_communities(
    dance_team, world, cast, login
):
    Organization.objects.create(
        name="金龙志愿队", kind="filed", field="volunteering", community=world.jinlong
    )
    response = login(cast.worker).get(reverse("organizations:organization-list"))
    names = [o.name for o in response.context["page"].object_list]
    assert names == ["沱源舞蹈队"]
