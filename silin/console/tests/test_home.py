"""The home page composes what every app registers: panels and to-dos, per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from silin.accounts.tests.factories import assign
from silin.console import selectors
from silin.core import home
from silin.core.home import Todo, Urgency
from silin.core.roles import Role
from silin.organizations.models import Organization
from silin.people.models import Tag
from silin.people.services.corrections import correction_request_create
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


def test_street_admin_sees_every_community_of_the_street_one_click_away(cast, world, login):
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
    for community in (world.sanjiang, world.jinlong):
        assert reverse("places:community-detail", args=[community.uuid]) in html


def test_street_admin_home_costs_the_same_queries_however_many_communities(cast, world, login):
    client = login(cast.street_admin)
    client.get(reverse(HOME))  # warm caches (content types, tags)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse(HOME))
    for i in range(3):
        ResidentFactory(household=HouseholdFactory(unit=world.jindu_unit, door=f"90{i}"))
    with CaptureQueriesContext(connection) as after:
        client.get(reverse(HOME))
    assert len(after.captured_queries) == len(before.captured_queries)


def test_worker_home_costs_the_same_queries_however_many_residents(cast, world, login):
    disability = Tag.objects.get(code="disability")
    world.liu.tags.add(disability)
    client = login(cast.worker)
    client.get(reverse(HOME))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse(HOME))
    for i in range(5):
        ResidentFactory(name=f"新{i}", household=world.liu_household).tags.add(disability)
    correction_request_create(actor=cast.liu, field="name", value="刘大海")
    with CaptureQueriesContext(connection) as after:
        client.get(reverse(HOME))
    # One more for the correction request's count (there are two now).
    assert len(after.captured_queries) <= len(before.captured_queries) + 2


def test_what_has_a_deadline_comes_first_then_requests_then_data_quality(cast, world, login):
    now = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)

    def source(actor):
        return [
            Todo(key="t.quality", label="质量", url="/q/", urgency=Urgency.DATA_QUALITY),
            Todo(key="t.request", label="请求", url="/r/", urgency=Urgency.REQUEST),
            Todo(key="t.later", label="晚", url="/l/", urgency=Urgency.DEADLINE, due=now),
            Todo(
                key="t.sooner",
                label="早",
                url="/s/",
                urgency=Urgency.DEADLINE,
                due=now - dt.timedelta(days=1),
            ),
            Todo(key="t.none", label="无", url="/n/", count=0),
        ]

    home.register_todos("test.order", source)
    try:
        keys = [t.key for t in home.todos_for(cast.worker) if t.key.startswith("t.")]
        assert keys == ["t.sooner", "t.later", "t.request", "t.quality"]
        html = _home(login(cast.worker))
        assert html.index('id="todo-tsooner"') < html.index('id="todo-tquality"')
    finally:
        home.unregister("test.order")


def test_a_panel_registered_by_an_app_shows_without_touching_the_console(cast, login):
    home.register_panel(
        "test.panel",
        template="console/tests/_test_panel.html",
        build=lambda actor: {"greeting": "邻里好"} if actor == cast.liu else None,
        order=1,
    )
    try:
        assert "邻里好" in _home(login(cast.liu))
        assert "邻里好" not in _home(login(cast.worker))
    finally:
        home.unregister("test.panel")


def test_user_with_several_roles_sees_each_section(cast, world, login):
    assign(cast.liu, Role.COMMUNITY_WORKER, world.sanjiang)
    ResidentFactory(name="缺手机", household=world.liu_household)
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
