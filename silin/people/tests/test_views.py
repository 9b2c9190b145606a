"""The register's pages: search, forms with bad input, and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.lib import idnumbers
from silin.lib.dates import birth_date_for_age
from silin.people.models import Resident, Tag
from silin.people.services.consents import consent_grant
from silin.people.tests.factories import ResidentFactory
from silin.places.tests.factories import BuildingFactory, HouseholdFactory, UnitFactory

BIRTH = dt.date(1990, 4, 5)


def _valid_id(birth: dt.date = BIRTH, gender: str = "F") -> str:
    return idnumbers.build("510121", birth, 77, gender)


def _form(world, **overrides) -> dict:
    data = {
        "name": "张小红",
        "gender": "F",
        "birth_date": BIRTH.isoformat(),
        "id_number": _valid_id(),
        "mobile": "13912345678",
        "household": str(world.liu_household.uuid),
        "relation": "child",
        "status": "living",
        "note": "",
    }
    data.update(overrides)
    return data


def _with_bad_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def _post_create(client, data, language: str):
    return client.post(reverse("people:resident-create"), data, HTTP_ACCEPT_LANGUAGE=language)


def test_a_worker_registers_a_resident_with_valid_details(world, cast, login):
    response = _post_create(login(cast.worker), _form(world), "zh-hans")
    assert response.status_code == 302
    created = Resident.objects.get(name="张小红")
    assert created.household == world.liu_household
    assert created.mobile == "13912345678"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "校验位"),
        ("en", "check digit"),
    ],
)
def test_a_wrong_id_check_digit_is_shown_next_to_the_field_and_nothing_is_saved(
    language, message, world, cast, login
):
    client = login(cast.worker)
    client.cookies["silin_language"] = language
    data = _form(world, id_number=_with_bad_check_digit(_valid_id()))
    response = _post_create(client, data, language)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "id_number" in response.context["form"].errors
    assert 'id="id_id_number"' in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert not Resident.objects.filter(name="张小红").exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "出生日期与身份证号"), ("en", "does not match the ID number")],
)
def test_a_birth_date_disagreeing_with_the_id_number_is_refused(
    language, message, world, cast, login
):
    client = login(cast.worker)
    client.cookies["silin_language"] = language
    data = _form(world, birth_date="1991-04-05")
    response = _post_create(client, data, language)
    assert response.status_code == 400
    assert "birth_date" in response.context["form"].errors
    assert message in response.content.decode()
    assert not Resident.objects.filter(name="张小红").exists()


@pytest.mark.parametrize(
    ("language", "message"), [("zh-hans", "手机号"), ("en", "A mobile number has 11 digits")]
)
def test_a_malformed_mobile_number_is_refused(language, message, world, cast, login):
    client = login(cast.worker)
    client.cookies["silin_language"] = language
    response = _post_create(client, _form(world, mobile="1234"), language)
    assert response.status_code == 400
    assert "mobile" in response.context["form"].errors
    assert message in response.content.decode()
    assert not Resident.objects.filter(name="张小红").exists()


@pytest.mark.parametrize(
    ("language", "message"), [("zh-hans", "不在您负责的范围"), ("en", "outside the area")]
)
def test_a_sanjiang_worker_cannot_pick_a_jinlong_household(language, message, world, cast, login):
    client = login(cast.worker)
    client.cookies["silin_language"] = language
    data = _form(world, household=str(world.other_household.uuid))
    response = _post_create(client, data, language)
    assert response.status_code == 400
    assert "household" in response.context["form"].errors
    assert message in response.content.decode()
    assert not Resident.objects.filter(name="张小红").exists()


def test_the_household_choices_hold_only_households_the_worker_looks_after(world, cast, login):
    response = login(cast.worker).get(reverse("people:resident-create"))
    choices = response.context["form"].fields["household"].queryset
    assert world.liu_household in choices
    assert world.other_household not in choices


def test_the_create_form_preselects_the_household_from_the_query(world, cast, login):
    url = reverse("people:resident-create") + f"?household={world.liu_household.uuid}"
    response = login(cast.worker).get(url)
    assert f'value="{world.liu_household.uuid}" selected' in response.content.decode()


def test_editing_keeps_the_stored_mobile_when_the_box_is_left_empty(world, cast, login):
    url = reverse("people:resident-edit", args=[world.liu.uuid])
    data = _form(
        world,
        name="刘大爷",
        gender="M",
        birth_date=world.liu.birth_date.isoformat(),
        id_number="",
        mobile="",
        relation="head",
        note="耳背，请大声说话",
    )
    response = login(cast.worker).post(url, data)
    assert response.status_code == 302
    world.liu.refresh_from_db()
    assert world.liu.mobile == "13800001234"
    assert world.liu.note == "耳背，请大声说话"


def test_the_edit_form_never_shows_the_full_mobile_number(world, cast, login):
    response = login(cast.grid_member).get(reverse("people:resident-edit", args=[world.liu.uuid]))
    html = response.content.decode()
    assert "13800001234" not in html
    assert "138****1234" in html


def test_searching_by_the_exact_mobile_number_finds_liu(world, cast, login):
    response = login(cast.worker).get(reverse("people:resident-list"), {"mobile": "13800001234"})
    names = [r.name for r in response.context["page"].object_list]
    assert names == ["刘大爷"]
    assert "138****1234" in response.content.decode()  # the list shows it masked


def test_searching_by_a_partial_mobile_number_finds_nobody(world, cast, login):
    response = login(cast.worker).get(reverse("people:resident-list"), {"mobile": "1380000"})
    assert list(response.context["page"].object_list) == []


def test_searching_by_surname_or_full_name_matches_from_the_first_character(world, cast, login):
    client = login(cast.street_admin)
    for query in ("刘", "刘大爷"):
        response = client.get(reverse("people:resident-list"), {"name": query})
        assert [r.name for r in response.context["page"].object_list] == ["刘大爷"]
    response = client.get(reverse("people:resident-list"), {"name": "大爷"})
    assert list(response.context["page"].object_list) == []


def test_the_register_lists_only_residents_the_viewer_may_see(world, cast, login):
    response = login(cast.worker).get(reverse("people:resident-list"))
    names = {r.name for r in response.context["page"].object_list}
    assert "刘大爷" in names
    assert "王阿姨" not in names


def test_the_age_band_filter_keeps_residents_of_80_and_over(world, cast, login):
    ResidentFactory(name="小明", household=world.liu_household, birth_date=dt.date(2015, 1, 1))
    response = login(cast.worker).get(reverse("people:resident-list"), {"age_band": "80"})
    assert [r.name for r in response.context["page"].object_list] == ["刘大爷"]


def test_the_tag_and_building_filters_narrow_the_register(world, cast, login):
    tag = Tag.objects.get(code="elderly_80")
    world.liu.tags.add(tag)
    ResidentFactory(name="邻居", household=world.liu_household)
    client = login(cast.worker)
    response = client.get(reverse("people:resident-list"), {"tag": "elderly_80"})
    assert [r.name for r in response.context["page"].object_list] == ["刘大爷"]
    building = world.tuoyuan_unit.building
    response = client.get(reverse("people:resident-list"), {"building": str(building.uuid)})
    assert {r.name for r in response.context["page"].object_list} == {"刘大爷", "邻居"}


def test_htmx_search_gets_the_results_partial_only(world, cast, login):
    response = login(cast.worker).get(
        reverse("people:resident-list"),
        {"name": "刘"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="register-results",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "刘大爷" in html
    assert 'hx-swap-oob="true"' in html


def _residents(world, count: int) -> None:
    tags = list(Tag.objects.all()[:3])
    for i in range(count):
        household = HouseholdFactory(unit=world.tuoyuan_unit, floor=3, door=f"3{i:02d}")
        resident = ResidentFactory.create(household=household, mobile=f"1370000{i:04d}")
        resident.tags.set(tags)


# session (read and save), user, role assignments, count, page keys, page rows, tags,
# filter selects and the tag dictionary: the same number whatever the page size.
@pytest.mark.parametrize("extra", [5, 30])
def test_the_register_page_runs_a_fixed_number_of_queries(
    extra, world, cast, login, django_assert_num_queries
):
    _residents(world, extra)
    client = login(cast.worker)
    client.get(reverse("people:resident-list"))  # warm caches outside the pinned request
    with django_assert_num_queries(8):
        response = client.get(reverse("people:resident-list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(extra + 1, 25)


def test_the_household_page_shows_members_with_masked_mobile_and_links(world, cast, login):
    response = login(cast.worker).get(
        reverse("places:household-detail", args=[world.liu_household.uuid])
    )
    html = response.content.decode()
    assert "138****1234" in html
    assert reverse("people:resident-detail", args=[world.liu.uuid]) in html
    assert "沱源" in html and "三江社区" in html


def test_the_resident_page_shows_masked_details_and_the_household(world, cast, login):
    response = login(cast.grid_member).get(reverse("people:resident-detail", args=[world.liu.uuid]))
    html = response.content.decode()
    assert "138****1234" in html
    assert world.liu.id_number not in html


def test_revealing_returns_the_value_for_a_worker(world, cast, login):
    url = reverse("people:resident-reveal", args=[world.liu.uuid])
    response = login(cast.worker).post(url, {"field": "mobile"}, HTTP_HX_REQUEST="true")
    assert "13800001234" in response.content.decode()


def test_a_worker_withdraws_a_consent(world, cast, login):
    consent = consent_grant(actor=cast.worker, resident=world.liu, purpose="contact")
    url = reverse("people:consent-withdraw", args=[world.liu.uuid, consent.uuid])
    assert login(cast.worker).post(url).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_adding_a_guardian_for_a_child_through_the_page(world, cast, login):
    today = timezone.localdate()
    child = ResidentFactory(
        name="小明", household=world.liu_household, birth_date=birth_date_for_age(8, today=today)
    )
    url = reverse("people:guardian-add", args=[child.uuid])
    response = login(cast.worker).post(url, {"guardian": str(world.liu.uuid), "relation": "祖父"})
    assert response.status_code == 302
    assert child.guardians.get().guardian == world.liu


def test_a_child_cannot_be_named_guardian_and_the_error_is_shown(world, cast, login):
    today = timezone.localdate()
    child = ResidentFactory(
        name="小明", household=world.liu_household, birth_date=today.replace(year=today.year - 8)
    )
    sibling = ResidentFactory(
        name="小红", household=world.liu_household, birth_date=today.replace(year=today.year - 12)
    )
    url = reverse("people:guardian-add", args=[child.uuid])
    client = login(cast.worker)
    client.cookies["silin_language"] = "en"
    response = client.post(url, {"guardian_id_number": sibling.id_number, "relation": "sister"})
    assert response.status_code == 400
    assert "A guardian must be 18 or older." in response.content.decode()
    assert not child.guardians.exists()


def test_the_edit_form_starts_from_what_is_held(world, cast, login):
    response = login(cast.worker).get(reverse("people:resident-edit", args=[world.liu.uuid]))
    html = response.content.decode()
    assert 'value="刘大爷"' in html
    assert f'value="{world.liu.birth_date.isoformat()}"' in html
    assert f'value="{world.liu_household.uuid}" selected' in html


def test_consent_for_a_young_child_needs_a_guardian_and_the_page_says_so(world, cast, login):
    today = timezone.localdate()
    child = ResidentFactory(
        name="小明", household=world.liu_household, birth_date=today.replace(year=today.year - 8)
    )
    client = login(cast.worker)
    client.cookies["silin_language"] = "en"
    url = reverse("people:consent-grant", args=[child.uuid])
    response = client.post(url, {"purpose": "activities"})
    assert response.status_code == 400
    assert "A guardian must give consent for a child under 14." in response.content.decode()
    assert not child.consents.exists()


def test_the_consent_form_of_an_adult_does_not_ask_for_a_guardian(world, cast, login):
    response = login(cast.worker).get(reverse("people:resident-detail", args=[world.liu.uuid]))
    assert "given_by" not in response.context["consent_form"].fields


def test_the_household_list_shows_one_building_at_a_time(world, cast, login):
    other_building = BuildingFactory(compound=world.tuoyuan, number="9")
    elsewhere = HouseholdFactory(unit=UnitFactory(building=other_building), floor=1, door="101")
    client = login(cast.worker)
    form = client.get(reverse("people:resident-create")).context["form"]
    assert list(form.fields["household"].widget.choices)[1:] == []  # building first
    response = client.get(
        reverse("people:resident-create"),
        {"building": str(other_building.uuid)},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="household-field",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert str(elsewhere.uuid) in html
    assert str(world.liu_household.uuid) not in html
