"""Organisations over the API: scoped to communities, member names masked outside the register."""

from __future__ import annotations

import pytest

from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(world):
    dance = Organization.objects.create(
        name="沱源舞蹈队",
        kind=Organization.Kind.FILED,
        field=Organization.Field.CULTURE_SPORTS,
        community=world.sanjiang,
        leader=world.liu,
        contact_phone="13800001234",
    )
    Membership.objects.create(organization=dance, resident=world.liu)
    mediators = Organization.objects.create(
        name="金龙调解队",
        kind=Organization.Kind.REGISTERED,
        field=Organization.Field.MEDIATION,
        community=world.jinlong,
    )
    return dance, mediators


@pytest.mark.parametrize(
    ("who", "names", "detail"),
    [
        ("street_admin", ["沱源舞蹈队", "金龙调解队"], 200),
        ("worker", ["沱源舞蹈队"], 200),
        ("other_worker", ["金龙调解队"], 404),
        ("grid_member", ["沱源舞蹈队"], 200),
        ("liu", ["沱源舞蹈队"], 200),
        ("volunteer", ["沱源舞蹈队"], 200),
        ("outsider", [], 404),
    ],
)
def test_organizations_are_scoped_to_communities(cast, orgs, who, names, detail):
    client = client_for(getattr(cast, who))
    body = client.get(f"{API}/organizations").json()
    assert sorted(o["name"] for o in body["results"]) == sorted(names)
    response = client.get(f"{API}/organizations/{orgs[0].uuid}")
    if detail == 404:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "member_name"), [("worker", "刘大爷"), ("volunteer", "刘**"), ("liu", "刘**")]
)
def test_member_names_are_masked_for_who_does_not_keep_their_register(cast, orgs, who, member_name):
    body = client_for(getattr(cast, who)).get(f"{API}/organizations/{orgs[0].uuid}").json()
    assert [m["name"] for m in body["members"]] == [member_name]
    assert body["leader_name"] == member_name
    assert body["contact_phone_masked"] == "138****1234"
    assert body["member_count"] == 1


def test_organization_filters(cast, world, orgs):
    client = client_for(cast.street_admin)

    def names(query):
        return [o["name"] for o in client.get(f"{API}/organizations?{query}").json()["results"]]

    assert names(f"community={world.jinlong.uuid}") == ["金龙调解队"]
    assert names("kind=filed") == ["沱源舞蹈队"]
    assert names("field=mediation") == ["金龙调解队"]
    assert (
        "kind"
        in assert_error(client.get(f"{API}/organizations?kind=secret"), 422, "invalid")["fields"]
    )


def test_organization_list_query_count_is_fixed(cast, world, orgs, django_assert_num_queries):
    for n in range(10):
        Organization.objects.create(
            name=f"队{n}", kind="filed", field="other", community=world.sanjiang
        )
    client = client_for(cast.worker)
    client.get(f"{API}/me")
    for size in (2, 10):
        # session, user (with its role grants), count, page; the session save in a savepoint
        with django_assert_num_queries(5):
            client.get(f"{API}/organizations?page_size={size}")
