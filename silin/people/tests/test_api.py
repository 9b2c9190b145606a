"""The resident register over the API: scope, masking, writes, reveals and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from silin.core.models import AuditEntry
from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.lib import idnumbers, masking
from silin.people.models import Resident, Tag
from silin.people.tests.factories import make_residents

pytestmark = pytest.mark.django_db

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]


def _payload(world, **overrides):
    birth = dt.date(1988, 6, 1)
    data = {
        "name": "新居民",
        "gender": "F",
        "birth_date": birth.isoformat(),
        "household": str(world.liu_household.uuid),
        "relation": "child",
        "id_number": idnumbers.build("510121", birth, 42, "F"),
        "mobile": "13912345678",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "count"),
    [
        ("street_admin", 2),
        ("worker", 1),
        ("other_worker", 1),
        ("grid_member", 1),
        ("liu", 0),
        ("volunteer", 0),
        ("outsider", 0),
    ],
)
def test_resident_list_holds_only_the_register_the_actor_keeps(cast, world, who, count):
    body = client_for(getattr(cast, who)).get(f"{API}/residents").json()
    assert body["count"] == count
    if who == "other_worker":
        assert [r["name"] for r in body["results"]] == ["王阿姨"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 200),
        ("worker", 200),
        ("other_worker", 404),
        ("grid_member", 200),
        ("liu", 404),
        ("volunteer", 404),
        ("outsider", 404),
    ],
)
def test_resident_detail_outside_scope_answers_404(cast, world, who, status):
    response = client_for(getattr(cast, who)).get(f"{API}/residents/{world.liu.uuid}")
    if status == 404:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == 200


def test_resident_output_masks_personal_details_and_computes_age(cast, world):
    body = client_for(cast.worker).get(f"{API}/residents/{world.liu.uuid}").json()
    assert body["mobile_masked"] == "138****1234"
    assert body["id_number_masked"] == masking.mask_id_number(world.liu.id_number)
    assert "*" * 10 in body["id_number_masked"]
    assert body["age"] == 80
    assert "mobile" not in body and "id_number" not in body
    assert world.liu.id_number not in str(body)
    assert body["community"]["name"] == "三江社区" and body["compound"]["name"] == "沱源"


def test_resident_filters(cast, world):
    gaoling = Tag.objects.get_or_create(
        code="gaoling", defaults={"name": "高龄", "name_en": "80+"}
    )[0]
    world.liu.tags.add(gaoling)
    make_residents(world.liu_household, 2)
    client = client_for(cast.street_admin)

    def names(query):
        return sorted(r["name"] for r in client.get(f"{API}/residents?{query}").json()["results"])

    assert names("q=刘大") == ["刘大爷"]
    assert names("q=大爷") == []  # names are searched from their first character
    assert names("mobile=138-0000-1234") == ["刘大爷"]
    assert names("mobile=13800000000") == []
    assert names("tag=gaoling") == ["刘大爷"]
    assert names(f"community={world.jinlong.uuid}") == ["王阿姨"]
    assert len(names(f"compound={world.tuoyuan.uuid}")) == 3
    assert names("min_age=80") == ["刘大爷"]
    assert names("status=moved_out") == []


def test_resident_list_query_count_does_not_grow_with_page_size(
    cast, world, django_assert_num_queries
):
    tag = Tag.objects.get_or_create(code="dujv", defaults={"name": "独居", "name_en": "alone"})[0]
    for resident in make_residents(world.liu_household, 60):
        resident.tags.add(tag)
    client = client_for(cast.worker)
    client.get(f"{API}/residents?page_size=1")  # warm the session
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{API}/residents?page_size={size}").json()
        assert len(body["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    # session, user (with its role grants), count, page, tags; the session save in a savepoint
    with django_assert_num_queries(6):
        client.get(f"{API}/residents?page_size=50")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 201),
        ("worker", 201),
        ("other_worker", 422),
        ("grid_member", 201),
        ("liu", 403),
        ("volunteer", 403),
        ("outsider", 403),
    ],
)
def test_resident_create_permission_matrix(cast, world, who, status):
    response = client_for(getattr(cast, who)).post(
        f"{API}/residents", _payload(world), content_type="application/json"
    )
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["name"] == "新居民" and body["mobile_masked"] == "139****5678"
        created = Resident.objects.get(uuid=body["uuid"])
        assert created.household == world.liu_household
        assert AuditEntry.objects.filter(action="create", object_uuid=str(created.uuid)).exists()
    elif status == 422:
        assert set(response.json()["error"]["fields"]) == {"household"}
    else:
        assert_error(response, 403, "permission_denied")


BAD_INPUT = [
    ("wrong_check_digit", {"id_number": "51012119880601004X"}, "id_number"),
    ("birth_date_disagrees", {"birth_date": "1988-06-02"}, "birth_date"),
    ("malformed_mobile", {"mobile": "1381234"}, "mobile"),
    ("household_elsewhere", {"household": "OTHER"}, "household"),
    ("unknown_tag", {"tags": ["no-such-tag"]}, "tags"),
    ("missing_name", {"name": None}, "name"),
]


def _bad(world, change):
    change = dict(change)
    if change.get("household") == "OTHER":
        change["household"] = str(world.other_household.uuid)
    payload = _payload(world, **change)
    return {k: v for k, v in payload.items() if v is not None}


@pytest.mark.parametrize(("case", "change", "field"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
@pytest.mark.parametrize(("language", "marker"), [("zh-hans", "zh"), ("en", "en")])
def test_bad_input_answers_422_with_field_errors_in_the_users_language_and_saves_nothing(
    cast, world, case, change, field, language, marker
):
    residents_before = Resident.objects.count()
    audit_before = AuditEntry.objects.count()
    response = client_for(cast.worker).post(
        f"{API}/residents",
        _bad(world, change),
        content_type="application/json",
        headers={"accept-language": language},
    )
    error = assert_error(response, 422, "invalid")
    assert field in error["fields"], error
    text = error["fields"][field][0] + error["message"]
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert has_chinese == (marker == "zh"), text
    assert Resident.objects.count() == residents_before
    assert AuditEntry.objects.count() == audit_before


def test_bad_id_number_message_in_english(cast, world):
    response = client_for(cast.worker).post(
        f"{API}/residents",
        _payload(world, id_number="51012119880601004X"),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert assert_error(response, 422, "invalid")["fields"]["id_number"] == [
        "The last character of this ID number does not match (check digit). "
        "Please check each digit again."
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 200),
        ("worker", 200),
        ("other_worker", 404),
        ("grid_member", 200),
        ("liu", 404),
        ("volunteer", 404),
        ("outsider", 404),
    ],
)
def test_resident_update_permission_matrix(cast, world, who, status):
    response = client_for(getattr(cast, who)).patch(
        f"{API}/residents/{world.liu.uuid}", {"note": "腿脚不便"}, content_type="application/json"
    )
    assert response.status_code == status, response.content
    world.liu.refresh_from_db()
    assert (world.liu.note == "腿脚不便") == (status == 200)


def test_resident_update_changes_only_the_fields_sent_and_is_audited(cast, world):
    before = (world.liu.name, world.liu.id_number, world.liu.mobile)
    response = client_for(cast.worker).patch(
        f"{API}/residents/{world.liu.uuid}",
        {"mobile": "13987654321"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["mobile_masked"] == "139****4321"
    world.liu.refresh_from_db()
    assert (world.liu.name, world.liu.id_number) == before[:2]
    assert world.liu.mobile == "13987654321"
    entry = AuditEntry.objects.filter(action="update", object_uuid=str(world.liu.uuid)).get()
    assert entry.changes["mobile"] == ["***", "***"]


def test_resident_update_refuses_null_and_moves_to_no_household_outside_scope(cast, world):
    client = client_for(cast.worker)
    url = f"{API}/residents/{world.liu.uuid}"
    response = client.patch(url, {"name": None}, content_type="application/json")
    assert "name" in assert_error(response, 422, "invalid")["fields"]
    response = client.patch(
        url, {"household": str(world.other_household.uuid)}, content_type="application/json"
    )
    assert "household" in assert_error(response, 422, "invalid")["fields"]
    world.liu.refresh_from_db()
    assert world.liu.household == world.liu_household


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 200),
        ("worker", 200),
        ("other_worker", 404),
        ("grid_member", 404),
        ("liu", 404),
        ("volunteer", 404),
        ("outsider", 404),
    ],
)
def test_reveal_is_404_for_whoever_may_not_reveal(cast, world, who, status):
    response = client_for(getattr(cast, who)).post(
        f"{API}/residents/{world.liu.uuid}/reveal",
        {"field": "mobile"},
        content_type="application/json",
    )
    reveals = AuditEntry.objects.filter(action="reveal", object_uuid=str(world.liu.uuid))
    if status == 200:
        assert response.json() == {"field": "mobile", "value": "13800001234"}
        assert response["Cache-Control"] == "no-store"
        assert reveals.get().detail == "mobile"
    else:
        assert_error(response, 404, "not_found")
        assert not reveals.exists()


def test_reveal_of_an_unknown_field_answers_422(cast, world):
    response = client_for(cast.worker).post(
        f"{API}/residents/{world.liu.uuid}/reveal",
        {"field": "password"},
        content_type="application/json",
    )
    assert "field" in assert_error(response, 422, "invalid")["fields"]
