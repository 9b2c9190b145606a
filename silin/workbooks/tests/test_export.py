"""Exporting the register: masking, the audit log, CSV for Excel, and the round trip."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse

from silin.core.models import AuditEntry
from silin.people.models import Resident, Tag
from silin.people.tests.factories import ResidentFactory
from silin.workbooks import services
from silin.workbooks.columns import COLUMNS
from silin.workbooks.models import ImportJob
from silin.workbooks.tests.helpers import read_sheet, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    """三江社区 with a few more residents, tags (one sensitive) and a mobile each."""
    liu = world.liu
    liu.tags.set(Tag.objects.filter(code__in=["elderly_80", "disability"]))
    for n in range(4):
        ResidentFactory(
            name=f"邻居{n}",
            gender="M" if n % 2 else "F",
            household=world.liu_household,
            relation="child",
            mobile=f"1370000000{n}",
            note="楼上" if n == 1 else "",
        )
    return world


def export(client, world, **data):
    payload = {"node": f"community:{world.sanjiang.uuid}", "fmt": "xlsx", **data}
    if "columns" not in payload:
        payload["columns"] = ["record", "id_number", "mobile", "relation", "status", "tags", "note"]
    response = client.post(reverse("workbooks:register-export"), payload)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def snapshot(community):
    rows = Resident.objects.filter(community=community).order_by("id")
    return [
        (
            r.name,
            r.gender,
            r.birth_date,
            r.id_number,
            r.mobile,
            r.household_id,
            r.relation,
            r.status,
            r.note,
            sorted(t.code for t in r.tags.all()),
        )
        for r in rows
    ]


def test_worker_exports_unmasked_when_asked_and_it_is_logged(login, cast, register):
    content = export(login(cast.worker), register, reveal="on")
    rows = read_sheet(content)
    header = rows[0]
    assert header[0] == "编号" and "身份证号" in header
    liu = next(r for r in rows if r[header.index("姓名")] == "刘大爷")
    assert liu[header.index("身份证号")] == register.liu.id_number
    assert liu[header.index("标签")] == "高龄、残疾"
    assert liu[header.index("出生日期")].date() == register.liu.birth_date
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes == {"rows": [0, 5]}
    assert entry.detail.startswith("unmasked xlsx")
    assert entry.community_id == register.sanjiang.pk


def test_export_is_masked_by_default_and_for_roles_that_may_not_reveal(login, cast, register):
    for user, data in ((cast.worker, {}), (cast.grid_member, {"reveal": "on"})):
        rows = read_sheet(export(login(user), register, **data))
        header = rows[0]
        liu = next(r for r in rows if r[header.index("姓名")] == "刘大爷")
        assert liu[header.index("身份证号")] == register.liu.id_number_masked
        assert liu[header.index("手机号")] == "138****1234"
        assert liu[header.index("标签")] == "高龄、***"
    assert (
        list(AuditEntry.objects.filter(action="export").values_list("detail", flat=True))
        == ["masked xlsx: " + ",".join(c.key for c in COLUMNS)] * 2
    )


def test_csv_export_has_a_bom_and_the_chosen_columns(login, cast, register):
    content = export(login(cast.worker), register, fmt="csv", columns=["mobile"])
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "社区",
        "小区",
        "楼栋",
        "单元",
        "楼层",
        "门牌号",
        "姓名",
        "性别",
        "出生日期",
        "手机号",
    ]
    assert len(rows) == 6


def test_another_communitys_register_cannot_be_exported(login, cast, register):
    client = login(cast.other_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("workbooks:register-export"),
        {"node": f"community:{register.sanjiang.uuid}", "fmt": "xlsx"},
    )
    assert response.status_code == 400
    assert "not in your area" in str(response.context["export_form"].errors["node"])
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("reveal", [True, False])
def test_round_trip_export_then_import_gives_the_same_register(login, cast, register, reveal):
    before = snapshot(register.sanjiang)
    content = export(login(cast.worker), register, **({"reveal": "on"} if reveal else {}))
    # Someone edits the register in between: the import puts it back as exported.
    liu = Resident.objects.get(pk=register.liu.pk)
    liu.name, liu.note = "刘大爷改", "改过"
    liu.save()
    # (a masked export cannot restore sensitive tags it does not show: keep 残疾)
    liu.tags.remove(Tag.objects.get(code="elderly_80"))
    job = services.import_upload(actor=cast.worker, upload=upload(content))
    services.import_start(job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED, job.report
    assert (job.to_create, job.to_update, job.unchanged) == (0, 1, 4)
    services.import_confirm(actor=cast.worker, job=job)
    assert snapshot(register.sanjiang) == before
    job = services.import_upload(actor=cast.worker, upload=upload(content))
    services.import_start(job=job)
    job.refresh_from_db()
    assert (job.to_create, job.to_update, job.unchanged) == (0, 0, 5)
