from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.console import selectors
from silin.organizations.models import Organization
from silin.people.models import Consent, Resident, Tag
from silin.people.tests.factories import ResidentFactory
from silin.places.tests.factories import HouseholdFactory

HOME = "console:home"


def _home(client) -> str:
    response = client.get(reverse(HOME))
    assert response.status_code == 200
    return response.content.decode()


def test_home_needs_login(client, db):
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_resident_sees_their_household_and_neighbourhood_but_not_other_households(cast, login):
    html = _home(login(cast.liu))
    assert 'id="my-household"' in html
    assert "刘大爷" in html
    assert "沱源 3-1-201" in html
    assert "138****1234" in html
    assert "13800001234" not in html
    assert "三江社区" in html
    assert "王阿姨" not in html
    assert "金都华府" not in html
    assert 'id="street-overview"' not in html
    assert "register-counts" not in html


def test_resident_sees_the_living_members_of_their_household_only(cast, world, login):
    ResidentFactory(name="刘大娘", household=world.liu_household, relation="spouse")
    ResidentFactory(name="刘小毛", household=world.liu_household, status=Resident.Status.MOVED_OUT)
    html = _home(login(cast.liu))
    assert "刘大娘" in html
    assert "刘小毛" not in html


def test_community_worker_sees_only_their_communitys_counts(cast, world, login):
    html = _home(login(cast.worker))
    assert "三江社区" in html
    assert "金龙社区" not in html
    assert "王阿姨" not in html
    [counts] = selectors.register_counts_for(actor=cast.worker)
    assert counts.community == world.sanjiang
    assert (counts.residents, counts.households, counts.over_60, counts.over_80) == (1, 1, 1, 1)


def test_register_counts_count_tags_and_ages_within_the_community(cast, world):
    elderly = Tag.objects.get(code="elderly_80")
    world.liu.tags.add(elderly)
    world.other_resident.tags.add(elderly)
    young = ResidentFactory(
        name="小张", household=world.liu_household, birth_date=dt.date(2000, 1, 1)
    )
    young.tags.add(Tag.objects.get(code="volunteer"))
    [counts] = selectors.register_counts_for(actor=cast.worker)
    assert counts.residents == 2
    assert (counts.over_60, counts.over_80) == (1, 1)
    assert {(t.code, n) for t, n in counts.tags} == {("elderly_80", 1), ("volunteer", 1)}


def test_worker_todos_list_missing_mobile_and_sensitive_tags_without_consent(cast, world, login):
    no_mobile = ResidentFactory(name="缺手机", household=world.liu_household)
    consented = ResidentFactory(name="已同意", household=world.liu_household, mobile="13911112222")
    no_consent = ResidentFactory(name="未同意", household=world.liu_household, mobile="13911113333")
    disability = Tag.objects.get(code="disability")
    consented.tags.add(disability)
    no_consent.tags.add(disability)
    Consent.objects.create(resident=consented, purpose=Consent.Purpose.SENSITIVE_TAGS)
    withdrawn = ResidentFactory(name="已撤回", household=world.liu_household, mobile="13911114444")
    withdrawn.tags.add(disability)
    Consent.objects.create(
        resident=withdrawn,
        purpose=Consent.Purpose.SENSITIVE_TAGS,
        withdrawn_at=timezone.now(),
    )
    # 金龙社区 is not the worker's: its gaps are not on their list.
    ResidentFactory(name="别人家", household=world.other_household)

    todos = selectors.worker_todos_for(actor=cast.worker)
    flags = {r.name: (r.missing_mobile, r.missing_consent) for r in todos.items}
    assert flags == {
        "缺手机": (True, False),
        "未同意": (False, True),
        "已撤回": (False, True),
    }
    assert todos.total == 3
    html = _home(login(cast.worker))
    assert "缺手机" in html
    assert "别人家" not in html
    assert no_mobile.name in html


def test_todo_list_is_cut_at_its_limit_but_tells_the_total(cast, world):
    for i in range(5):
        ResidentFactory(name=f"缺{i}", household=world.liu_household)
    todos = selectors.worker_todos_for(actor=cast.worker, limit=3)
    assert len(todos.items) == 3
    assert todos.total == 5


def test_street_admin_sees_every_community_of_the_street_in_one_table(cast, world, login):
    Organization.objects.create(
        name="沱源舞蹈队", kind="filed", field="culture_sports", community=world.sanjiang
    )
    [overview] = selectors.street_overview_for(actor=cast.street_admin)
    rows = {
        c.name: (c.n_residents, c.n_households, c.n_compounds, c.n_organizations)
        for c in overview.communities
    }
    assert rows == {"三江社区": (1, 1, 2, 1), "金龙社区": (1, 1, 1, 0)}
    assert overview.totals == {
        "n_residents": 2,
        "n_households": 2,
        "n_compounds": 3,
        "n_organizations": 1,
    }
    html = _home(login(cast.street_admin))
    assert 'id="street-overview"' in html
    assert "三江社区" in html
    assert "金龙社区" in html


def test_street_admin_home_costs_the_same_queries_however_many_communities(
    cast, world, login, django_assert_num_queries
):
    client = login(cast.street_admin)
    client.get(reverse(HOME))  # warm caches (content types, tags)
    # session, user, role assignments, the street table in one query, open correction
    # requests, residents due for anonymisation, and the session renewal
    # (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release)
    with django_assert_num_queries(9):
        client.get(reverse(HOME))
    for i in range(3):
        household = HouseholdFactory(unit=world.jindu_unit, door=f"90{i}")
        ResidentFactory(household=household)
    with django_assert_num_queries(9):
        client.get(reverse(HOME))


def test_user_with_several_roles_sees_each_section(cast, world, login):
    from silin.accounts.tests.factories import assign
    from silin.core.roles import Role

    assign(cast.liu, Role.COMMUNITY_WORKER, world.sanjiang)
    html = _home(login(cast.liu))
    assert 'id="my-household"' in html
    assert "register-counts" in html
    assert 'id="todos"' in html


def test_user_without_roles_gets_a_friendly_explanation(cast, login):
    html = _home(login(cast.outsider))
    assert 'id="no-role-title"' in html
    assert 'id="my-household"' not in html


@pytest.mark.parametrize("who", ["volunteer", "grid_member"])
def test_other_roles_see_their_roles_and_no_street_table(cast, login, who):
    html = _home(login(getattr(cast, who)))
    assert 'id="my-roles"' in html
    assert 'id="street-overview"' not in html
    assert "金龙社区" not in html


def test_worker_home_costs_the_same_queries_however_many_residents(
    cast, world, login, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    disability = Tag.objects.get(code="disability")
    world.liu.tags.add(disability)
    client = login(cast.worker)
    client.get(reverse(HOME))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse(HOME))
    for i in range(5):
        ResidentFactory(name=f"新{i}", household=world.liu_household).tags.add(disability)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse(HOME))
