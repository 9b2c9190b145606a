"""Renewal records: how idle sites became shared spaces. Services, permissions and pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from silin.accounts.tests.factories import UserFactory, assign
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.spaces.models import RenewalRecord, Space
from silin.spaces.services import renewals as renewal_services
from silin.spaces.services.renewals import RenewalData

# The smallest valid PNG: one transparent pixel.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def lounge(world):
    return Space.objects.create(
        name="邻里荟", kind=Space.Kind.COURTYARD, community=world.sanjiang, compound=world.tuoyuan,
        capacity=30,
    )  # fmt: skip


@pytest.fixture
def committee(world):
    user = UserFactory(name="罗淑芬", mobile="13900000011")
    assign(user, Role.COMMITTEE_MEMBER, world.tuoyuan)
    return user


def data(world, **changes) -> RenewalData:
    values = {
        "title": "沱源架空层改造",
        "community": world.sanjiang,
        "compound": world.tuoyuan,
        "site_kind": RenewalRecord.SiteKind.OPEN_GROUND_FLOOR,
        "project_kind": RenewalRecord.ProjectKind.MICRO_RENEWAL,
        "started_on": dt.date(2025, 3, 1),
        "finished_on": dt.date(2025, 6, 30),
        "cost": Decimal("86000.00"),
        "status": RenewalRecord.Status.IN_PROGRESS,
    }
    values.update(changes)
    return RenewalData(**values)


# --- services ------------------------------------------------------------------------------


def test_a_worker_records_a_renewal_and_the_audit_log_says_so(cast, world):
    record = renewal_services.renewal_create(actor=cast.worker, data=data(world))
    assert record.cost == Decimal("86000.00")
    entry = AuditEntry.objects.get(object_uuid=str(record.uuid))
    assert entry.action == "create"
    assert entry.changes["cost"] == [None, "86000.00"]
    assert entry.compound_id == world.tuoyuan.pk


def test_opening_as_a_space_links_it_and_finishes_the_renewal(cast, world, lounge):
    record = renewal_services.renewal_create(actor=cast.worker, data=data(world, finished_on=None))
    record = renewal_services.renewal_open_as_space(actor=cast.worker, record=record, space=lounge)
    record.refresh_from_db()
    assert (record.status, record.space) == (RenewalRecord.Status.OPENED, lounge)
    assert record.finished_on is not None
    entry = AuditEntry.objects.filter(object_uuid=str(record.uuid), action="update").get()
    assert entry.changes["status"] == ["in_progress", "opened"]
    assert entry.changes["space"] == [None, str(lounge.uuid)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"site_kind": "garage"}, "site_kind"),
        ({"project_kind": ""}, "project_kind"),
        ({"finished_on": dt.date(2025, 1, 1)}, "finished_on"),
        ({"cost": Decimal("-1")}, "cost"),
        ({"cost": Decimal("1.234")}, "cost"),
        ({"status": RenewalRecord.Status.OPENED}, "space"),
        ({"photo_before": SimpleUploadedFile("plan.pdf", b"%PDF-1.4")}, "photo_before"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(cast, world, changes, field):
    with pytest.raises(ValidationError) as caught:
        renewal_services.renewal_create(actor=cast.worker, data=data(world, **changes))
    assert field in caught.value.message_dict
    assert not RenewalRecord.objects.exists()
    assert not AuditEntry.objects.filter(object_type="spaces.renewalrecord").exists()


def test_a_compound_of_another_community_is_refused(cast, world):
    with pytest.raises(ValidationError) as caught:
        renewal_services.renewal_create(
            actor=cast.street_admin, data=data(world, compound=world.jindu)
        )
    assert "compound" in caught.value.message_dict


def test_a_space_of_another_community_cannot_be_what_it_became(cast, world):
    other = Space.objects.create(
        name="睦邻中心", kind=Space.Kind.LOUNGE, community=world.jinlong, capacity=20
    )
    with pytest.raises(ValidationError) as caught:
        renewal_services.renewal_create(
            actor=cast.street_admin,
            data=data(world, status=RenewalRecord.Status.OPENED, space=other),
        )
    assert "space" in caught.value.message_dict


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("street_admin", True),
        ("worker", True),
        ("other_worker", False),
        ("grid_member", False),
        ("liu", False),
        ("volunteer", False),
        ("outsider", False),
    ],
)
def test_who_may_record_a_renewal_in_tuoyuan(cast, world, who, allowed):
    actor = getattr(cast, who)
    if allowed:
        assert renewal_services.renewal_create(actor=actor, data=data(world)).pk
        return
    with pytest.raises(ValidationError):
        renewal_services.renewal_create(actor=actor, data=data(world))
    assert not RenewalRecord.objects.exists()


def test_a_committee_member_manages_their_compound_only(world, committee):
    assert renewal_services.renewal_create(actor=committee, data=data(world)).pk
    with pytest.raises(ValidationError):
        renewal_services.renewal_create(actor=committee, data=data(world, compound=world.eton))
    with pytest.raises(ValidationError):  # community level is above their compound
        renewal_services.renewal_create(actor=committee, data=data(world, compound=None))


def test_an_update_needs_the_scope_of_where_the_record_is_now(cast, world):
    record = renewal_services.renewal_create(actor=cast.worker, data=data(world))
    with pytest.raises(ValidationError):
        renewal_services.renewal_update(
            actor=cast.other_worker,
            record=record,
            data=data(world, community=world.jinlong, compound=world.jindu),
        )
    record.refresh_from_db()
    assert record.community == world.sanjiang


def test_photos_are_stored_and_shown(login, cast, world):
    before = SimpleUploadedFile("before.png", PNG, content_type="image/png")
    record = renewal_services.renewal_create(
        actor=cast.worker, data=data(world, photo_before=before)
    )
    assert record.photo_before.name.startswith("spaces/renewal/before")
    response = login(cast.worker).get(reverse("spaces:renewal-detail", args=[record.uuid]))
    assert record.photo_before.url.encode() in response.content


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def records(cast, world, lounge):
    opened = renewal_services.renewal_create(
        actor=cast.worker,
        data=data(world, status=RenewalRecord.Status.OPENED, space=lounge),
    )
    planned = renewal_services.renewal_create(
        actor=cast.street_admin,
        data=data(
            world,
            title="金都华府闲置空地",
            community=world.jinlong,
            compound=world.jindu,
            site_kind=RenewalRecord.SiteKind.VACANT_LOT,
            status=RenewalRecord.Status.PLANNED,
            cost=None,
        ),
    )
    return opened, planned


def test_the_list_shows_the_renewals_in_scope_with_their_totals(login, cast, records):
    response = login(cast.worker).get(reverse("spaces:renewal-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "沱源架空层改造" in html and "金都华府闲置空地" not in html
    assert response.context["totals"] == {"n": 1, "opened": 1, "cost": Decimal("86000.00")}
    assert reverse("spaces:renewal-create") in html


def test_a_grid_member_reads_the_renewals_of_their_community_but_cannot_add(login, cast, records):
    client = login(cast.grid_member)
    response = client.get(reverse("spaces:renewal-list"))
    assert "沱源架空层改造" in response.content.decode()
    assert reverse("spaces:renewal-create").encode() not in response.content
    assert client.get(reverse("spaces:renewal-create")).status_code == 404
    opened, _planned = records
    assert client.get(reverse("spaces:renewal-edit", args=[opened.uuid])).status_code == 404


@pytest.mark.parametrize("who", ["liu", "volunteer", "outsider"])
def test_renewals_are_not_found_for_people_who_neither_run_spaces_nor_read_figures(
    login, cast, records, who
):
    client = login(getattr(cast, who))
    opened, _planned = records
    assert client.get(reverse("spaces:renewal-list")).status_code == 404
    assert client.get(reverse("spaces:renewal-detail", args=[opened.uuid])).status_code == 404
    assert client.get(reverse("spaces:renewal-create")).status_code == 404


def test_the_list_costs_the_same_queries_for_any_number_of_rows(
    login, cast, world, records, django_assert_num_queries
):
    client = login(cast.street_admin)
    client.get(reverse("spaces:renewal-list"))
    # session, user (with its role grants), totals, count, page rows; the session's save (3).
    with django_assert_num_queries(5):
        client.get(reverse("spaces:renewal-list"))
    for n in range(5):
        renewal_services.renewal_create(actor=cast.street_admin, data=data(world, title=f"院落{n}"))
    with django_assert_num_queries(5):
        client.get(reverse("spaces:renewal-list"))


def test_a_record_out_of_scope_is_not_found(login, cast, records):
    _opened, planned = records
    for name in ("spaces:renewal-detail", "spaces:renewal-edit"):
        assert login(cast.worker).get(reverse(name, args=[planned.uuid])).status_code == 404


def test_the_detail_links_the_space_it_became(login, cast, records, lounge):
    opened, _planned = records
    response = login(cast.grid_member).get(reverse("spaces:renewal-detail", args=[opened.uuid]))
    assert response.status_code == 200
    assert "邻里荟" in response.content.decode()
    assert response.context["can_edit"] is False
    assert response.context["space_url"] == reverse("spaces:space-detail", args=[lounge.uuid])


def test_the_form_creates_a_renewal(login, cast, world):
    client = login(cast.worker)
    assert client.get(reverse("spaces:renewal-create")).status_code == 200
    response = client.post(
        reverse("spaces:renewal-create"),
        {
            "title": "伊顿小镇闲置用房",
            "community": world.sanjiang.uuid,
            "compound": world.eton.uuid,
            "site_kind": "idle_rooms",
            "project_kind": "micro_renewal",
            "started_on": "2024-05-01",
            "finished_on": "2024-09-30",
            "cost": "52000",
            "status": "in_progress",
        },
    )
    record = RenewalRecord.objects.get(title="伊顿小镇闲置用房")
    assert response.status_code == 302
    assert response.url == reverse("spaces:renewal-detail", args=[record.uuid])
    assert record.cost == Decimal("52000")


def test_the_form_shows_a_service_error_next_to_the_field_in_chinese(login, cast, world):
    response = login(cast.worker).post(
        reverse("spaces:renewal-create"),
        {
            "title": "伊顿小镇闲置用房",
            "community": world.sanjiang.uuid,
            "site_kind": "idle_rooms",
            "project_kind": "micro_renewal",
            "started_on": "2024-05-01",
            "finished_on": "2024-01-01",
            "status": "planned",
        },
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 400
    assert "finished_on" in response.context["form"].errors
    assert 'id="finished_on-errors"' in response.content.decode()
    assert not RenewalRecord.objects.exists()


def test_marking_as_opened_from_the_detail_page(login, cast, world, lounge):
    record = renewal_services.renewal_create(actor=cast.worker, data=data(world))
    client = login(cast.worker)
    page = client.get(reverse("spaces:renewal-detail", args=[record.uuid]))
    assert lounge in page.context["open_spaces"]
    response = client.post(
        reverse("spaces:renewal-open", args=[record.uuid]), {"space": str(lounge.uuid)}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.space == lounge and record.status == RenewalRecord.Status.OPENED


def test_marking_as_opened_refuses_a_bad_space_and_outsiders(login, cast, world):
    record = renewal_services.renewal_create(actor=cast.worker, data=data(world))
    client = login(cast.worker)
    client.post(reverse("spaces:renewal-open", args=[record.uuid]), {"space": "nonsense"})
    record.refresh_from_db()
    assert record.space is None
    response = login(cast.other_worker).post(reverse("spaces:renewal-open", args=[record.uuid]))
    assert response.status_code == 404
