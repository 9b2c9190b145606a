"""Files that cannot be imported at all: each a clear message, nothing saved."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from silin.people.models import Resident
from silin.workbooks.models import ImportJob
from silin.workbooks.tests.helpers import HEADERS, person, upload, workbook

pytestmark = pytest.mark.django_db

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _merged() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(workbook([person(1), person(2)])))
    book.active.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _million_rows() -> bytes:
    # One cell far down makes the sheet's dimension say A1:P1000001, as a real file would.
    book = openpyxl.load_workbook(io.BytesIO(workbook([person(1)])))
    book.active.cell(row=1_000_001, column=1, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _not_a_workbook_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


CASES = {
    "text file": (b"name,gender\n", "not an Excel workbook", "不是 Excel 工作簿"),
    "password-protected": (
        OLE + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"),
        "password",
        "密码",
    ),
    "old xls": (OLE + b"\x00" * 512, ".xls", ".xls"),
    "corrupt": (workbook([person(1)])[:900], "damaged", "损坏"),
    "zip without a workbook": (_not_a_workbook_zip(), "damaged", "损坏"),
    "missing sheet": (workbook([person(1)], sheet="Sheet1"), "登记表", "Sheet1"),
    "missing header": (
        workbook([person(1)], headers=[h for h in HEADERS if not h.startswith("姓名")]),
        "Name (姓名)",
        "缺少以下列：姓名",
    ),
    "merged cells": (_merged(), "B2:B3", "B2:B3"),
    "a million rows": (_million_rows(), "1,000,000", "1,000,000"),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_file_is_refused_with_a_clear_message(login, cast, world, case, language):
    content, english, chinese = CASES[case]
    before = Resident.objects.count()
    client = login(cast.worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("workbooks:import-create"), {"file": upload(content)})
    assert response.status_code == 400
    errors = " ".join(str(e) for e in response.context["upload_form"].errors["file"])
    assert (english if language == "en" else chinese) in errors
    assert ImportJob.objects.count() == 0
    assert Resident.objects.count() == before


def test_formula_cells_are_row_errors(login, cast, world):
    content = workbook([person(1, name="=A1&B1"), person(2)])
    response = login(cast.worker).post(
        reverse("workbooks:import-create"), {"file": upload(content)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.state == ImportJob.State.FAILED
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(2, "name")]


def test_id_number_typed_as_a_number_or_with_other_characters_is_rejected(login, cast, world):
    p = person(1)
    rows = [
        dict(p, id_number=int(p["id_number"][:15])),
        person(2, id_number=person(2)["id_number"][:6] + "-" + person(2)["id_number"][6:]),
    ]
    login(cast.worker).post(reverse("workbooks:import-create"), {"file": upload(workbook(rows))})
    job = ImportJob.objects.get()
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [
        (2, "id_number"),
        (3, "id_number"),
    ]


def test_bad_dates_mobiles_and_choices_are_all_reported_at_once(login, cast, world):
    rows = [
        person(1, birth_date="1946年13月40日"),
        person(2, mobile="12345"),
        person(3, gender="未知", relation="邻居"),
        person(4, floor="二楼"),
        person(5, community="不存在社区"),
        person(6, compound="不存在小区"),
    ]
    login(cast.worker).post(reverse("workbooks:import-create"), {"file": upload(workbook(rows))})
    job = ImportJob.objects.get()
    found = {(e["row"], e["column"]) for e in job.report["errors"]}
    assert {
        (2, "birth_date"),
        (3, "mobile"),
        (4, "gender"),
        (4, "relation"),
        (5, "floor"),
        (6, "community"),
        (7, "compound"),
    } <= found
    assert job.error_count == len(job.report["errors"])
