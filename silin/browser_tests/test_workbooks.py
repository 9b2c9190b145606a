"""Import and export of the register in a browser: export, a bad upload and its error
workbook, the fix, the confirmed import, the live progress bar, every language, 长辈版."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from silin.people.models import Resident
from silin.workbooks.columns import COLUMNS
from silin.workbooks.models import ImportJob
from silin.workbooks.tests.helpers import HEADERS, person

pytestmark = pytest.mark.browser
# Every browser test run empties test-artifacts/screenshots when it starts; runs of other
# apps' tests at the same time would take these with them, so a copy is kept here too.
KEEP = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots-workbooks"


@pytest.fixture(autouse=True)
def _keep_screenshots(visitor, monkeypatch):
    original = visitor.screenshot

    def screenshot(label: str) -> Path:
        path = original(label)
        KEEP.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, KEEP / path.name)
        return path

    monkeypatch.setattr(visitor, "screenshot", screenshot)


def _download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def _save(book, path: Path) -> Path:
    book.save(path)
    return path


def _column(name: str) -> int:
    return HEADERS.index(name) + 1


def test_worker_exports_uploads_a_bad_file_fixes_it_and_imports(visitor, cast, world, tmp_path):
    page = visitor.page
    visitor.login_as(cast.worker)
    visitor.visit("workbooks:workbook-home", label="home")
    visitor.assert_accessible("import & export page")

    # 1. Export 三江社区 with full numbers.
    page.select_option("#id_node", label="三江社区")
    page.check("#id_reveal")
    exported = _download(page, lambda: page.click("#export-form button[type=submit]"))
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["登记表"]
    assert sheet.max_row == 2  # the header and 刘大爷
    assert sheet.cell(row=2, column=_column("身份证号")).value == world.liu.id_number

    # 2. Add two new people, one with a wrong check digit and a bad mobile, and upload.
    good, bad = person(1), person(2)
    bad["id_number"] = bad["id_number"][:-1] + ("1" if bad["id_number"][-1] != "1" else "2")
    bad["mobile"] = "1380000"
    for p in (good, bad):
        sheet.append([p.get(c.key) for c in COLUMNS])
    before = Resident.objects.count()
    page.set_input_files("#id_file", str(_save(book, tmp_path / "三江社区.xlsx")))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#job-errors-summary")
    visitor.screenshot("bad-file-errors")
    visitor.assert_accessible("job page with errors")
    table = page.locator("#error-table").inner_text()
    assert "身份证号" in table and "手机号" in table
    assert Resident.objects.count() == before

    # 3. Download the error workbook: an error column, the bad cells in red.
    errors = _download(page, lambda: page.click("#error-download"))
    marked = openpyxl.load_workbook(io.BytesIO(errors))["登记表"]
    assert marked.cell(row=1, column=len(HEADERS) + 1).value == "错误 Errors"
    assert marked.cell(row=4, column=len(HEADERS) + 1).value
    assert marked.cell(row=4, column=_column("手机号")).fill.start_color.rgb.endswith("FFC7CE")

    # 4. Fix the two cells in the error workbook itself and upload it again.
    fixed = openpyxl.load_workbook(io.BytesIO(errors))
    rows = fixed["登记表"]
    rows.cell(row=4, column=_column("身份证号")).value = person(2)["id_number"]
    rows.cell(row=4, column=_column("手机号")).value = "13800002222"
    rows.cell(row=2, column=_column("手机号")).value = "13811115678"  # 刘大爷's new one
    visitor.visit("workbooks:workbook-home", label="home-again")
    page.set_input_files("#id_file", str(_save(fixed, tmp_path / "fixed.xlsx")))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#apply-button")
    visitor.screenshot("checked-preview")
    summary = page.locator("#job-summary").inner_text()
    assert "新增 2 位居民" in summary and "更新 1 位居民" in summary
    preview = page.locator("#preview-table").inner_text()
    assert "刘大爷" in preview and "138****1234" in preview and "138****5678" in preview
    assert Resident.objects.count() == before

    page.click("#apply-button")
    page.wait_for_selector("#job-state:has-text('已导入')")
    visitor.screenshot("imported")
    assert Resident.objects.count() == before + 2
    assert Resident.objects.get(pk=world.liu.pk).mobile == "13811115678"

    # 5. Export again: the two new residents are in it.
    visitor.visit("workbooks:workbook-home", label="export-again")
    page.select_option("#id_node", label="三江社区")
    again = openpyxl.load_workbook(
        io.BytesIO(_download(page, lambda: page.click("#export-form button[type=submit]")))
    )["登记表"]
    names = {row[_column("姓名") - 1] for row in again.iter_rows(min_row=2, values_only=True)}
    assert {"刘大爷", good["name"], bad["name"]} <= names


def test_progress_bar_follows_a_running_import_and_survives_a_reload(visitor, cast, world):
    page = visitor.page
    job = ImportJob.objects.create(
        created_by=cast.worker,
        street=world.street,
        community=world.sanjiang,
        filename="大文件.xlsx",
        file="imports/none.xlsx",
        state=ImportJob.State.CHECKING,
        rows_total=200_000,
        rows_checked=20_000,
    )
    visitor.login_as(cast.worker)
    visitor.visit("workbooks:import-detail", uuid=job.uuid, label="progress-10")
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "10"
    visitor.assert_accessible("progress page")

    ImportJob.objects.filter(pk=job.pk).update(rows_checked=120_000, error_count=3)
    page.wait_for_selector("[role=progressbar][aria-valuenow='60']")
    assert page.locator("#error-count").inner_text() == "3"
    visitor.screenshot("progress-60")

    page.reload()  # the page picks the job up again after a reload
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "60"

    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.CHECKED, rows_checked=200_000, to_create=200_000
    )
    page.wait_for_selector("#apply-button")
    assert page.locator("[role=progressbar]").count() == 0
    visitor.screenshot("progress-done")

    page.click("#cancel-button")
    page.wait_for_selector("#job-state:has-text('已取消')")
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED


@pytest.mark.parametrize("mode", ["en", "zh-hant", "elderly"])
def test_pages_in_other_languages_and_elderly_mode_are_accessible(visitor, cast, world, mode):
    page = visitor.page
    job = ImportJob.objects.create(
        created_by=cast.worker,
        street=world.street,
        community=world.sanjiang,
        filename="登记表.xlsx",
        file="imports/none.xlsx",
        state=ImportJob.State.FAILED,
        rows_total=3,
        rows_checked=3,
        error_count=1,
        report={"errors": [{"row": 3, "column": "mobile", "code": "mobile.invalid", "params": {}}]},
    )
    visitor.login_as(cast.worker)
    visitor.visit("workbooks:workbook-home", label=f"{mode}-home")
    if mode == "elderly":
        page.click("#elderly-toggle")
    else:
        page.click(f"#language-form button[value={mode}]")
    page.wait_for_load_state()
    visitor.screenshot(f"{mode}-home")
    visitor.assert_accessible(f"import & export page ({mode})")
    if mode == "elderly":
        size = page.evaluate("getComputedStyle(document.body).fontSize")
        assert float(size.rstrip("px")) >= 18
        box = page.locator("#upload-form button[type=submit]").bounding_box()
        assert box["height"] >= 60
    visitor.visit("workbooks:import-detail", uuid=job.uuid, label=f"{mode}-job")
    visitor.assert_accessible(f"import page ({mode})")
    # The stored code, worded in the page's language.
    wanted = {"en": "A mobile number has 11 digits", "zh-hant": "11 位數字"}.get(mode, "11 位数字")
    assert wanted in page.locator("#error-table").inner_text()
