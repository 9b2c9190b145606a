"""What the register contributes to the home pages: household, figures and to-dos."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.core.home import Urgency
from silin.lib.dates import birth_date_for_age
from silin.people import home, selectors
from silin.people.models import Consent, Resident, Tag
from silin.people.services.corrections import correction_request_create
from silin.people.tests.factories import ResidentFactory


def _home(client) -> str:
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_resident_sees_their_household_and_neighbourhood_but_not_other_households(cast, login):
    html = _home(login(cast.liu))
    assert 'id="my-household"' in html
    assert "沱源 3-1-201" in html
    assert "138****1234" in html
    assert "13800001234" not in html
    assert "三江社区" in html
    assert "王阿姨" not in html
    assert "金都华府" not in html
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
    [counts] = home.register_counts_for(actor=cast.worker)
    assert counts.community == world.sanjiang
    assert (counts.residents, counts.households, counts.over_60, counts.over_80) == (1, 1, 1, 1)
    # Each figure opens the register filtered to what it counts.
    assert f"?community={world.sanjiang.uuid}&amp;age_band=80" in html


def test_register_counts_count_tags_and_ages_within_the_community(cast, world):
    elderly = Tag.objects.get(code="elderly_80")
    world.liu.tags.add(elderly)
    world.other_resident.tags.add(elderly)
    young = ResidentFactory(
        name="小张", household=world.liu_household, birth_date=dt.date(2000, 1, 1)
    )
    young.tags.add(Tag.objects.get(code="volunteer"))
    [counts] = home.register_counts_for(actor=cast.worker)
    assert counts.residents == 2
    assert (counts.over_60, counts.over_80) == (1, 1)
    assert {(t.code, n) for t, n in counts.tags} == {("elderly_80", 1), ("volunteer", 1)}


@pytest.fixture
def gaps(world):
    """Records needing a follow-up in 三江社区, and one in 金龙社区 (not the worker's)."""
    today = timezone.localdate()
    ResidentFactory(name="缺手机", household=world.liu_household)  # an adult, no mobile
    ResidentFactory(
        name="小孩", household=world.liu_household, birth_date=birth_date_for_age(9, today=today)
    )  # a child without a mobile is no gap
    disability = Tag.objects.get(code="disability")
    consented = ResidentFactory(name="已同意", household=world.liu_household, mobile="13911112222")
    consented.tags.add(disability)
    Consent.objects.create(resident=consented, purpose=Consent.Purpose.SENSITIVE_TAGS)
    no_consent = ResidentFactory(name="未同意", household=world.liu_household, mobile="13911113333")
    no_consent.tags.add(disability)
    withdrawn = ResidentFactory(name="已撤回", household=world.liu_household, mobile="13911114444")
    withdrawn.tags.add(disability)
    Consent.objects.create(
        resident=withdrawn, purpose=Consent.Purpose.SENSITIVE_TAGS, withdrawn_at=timezone.now()
    )
    ResidentFactory(name="别人家", household=world.other_household)


def test_data_quality_comes_as_two_grouped_lines_that_never_count_children(cast, world, gaps):
    todos = {t.key: t for t in home.data_quality_todos(cast.worker)}
    # 刘大爷 has a mobile; 缺手机 is the one adult without (the child is not counted).
    assert todos["people.no_mobile"].count == 1
    assert todos["people.no_consent"].count == 2
    assert {t.urgency for t in todos.values()} == {Urgency.DATA_QUALITY}
    assert todos["people.no_mobile"].url.endswith("?follow_up=no_mobile")


@pytest.mark.parametrize(
    ("follow_up", "names"),
    [("no_mobile", ["缺手机"]), ("no_consent", ["已撤回", "未同意"])],
)
def test_the_to_do_links_open_the_register_filtered_to_those_residents(
    cast, world, gaps, login, follow_up, names
):
    response = login(cast.worker).get(reverse("people:resident-list"), {"follow_up": follow_up})
    assert sorted(r.name for r in response.context["page"].object_list) == sorted(names)


def test_the_register_filter_ignores_an_unknown_follow_up(cast, world, gaps):
    filters = selectors.ResidentFilters(follow_up="everything")
    assert (
        selectors.resident_list(actor=cast.worker, filters=filters).count() == 6
    )  # the worker's community only


def test_a_correction_request_is_a_to_do_with_its_due_date(cast, world, clock, settings):
    settings.SILIN_CORRECTION_ANSWER_DAYS = 15
    asked = clock.move_to(10)
    correction_request_create(actor=cast.liu, field="name", value="刘大海")
    [todo] = [t for t in home.rights_todos(cast.worker) if t.key == "people.corrections"]
    assert todo.urgency == Urgency.DEADLINE
    assert todo.due.date() == (asked + dt.timedelta(days=15)).date()
    assert todo.detail == "刘大爷"
    assert "/people/corrections/" in todo.url  # one request: straight to it


def test_residents_and_outsiders_get_no_rights_to_dos(cast, world):
    correction_request_create(actor=cast.liu, field="name", value="刘大海")
    assert home.rights_todos(cast.liu) == []
    assert home.rights_todos(cast.outsider) == []
    assert home.rights_todos(cast.other_worker)[0].key != "people.corrections"
