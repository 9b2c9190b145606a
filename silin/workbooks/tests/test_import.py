"""Importing the register: checks, the dry run, all-or-nothing, updates with a preview."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from silin.core import audit
from silin.core.models import AuditEntry
from silin.people.models import Resident, Tag
from silin.people.services.anonymisation import anonymisation_due_on
from silin.places.models import Building, Household
from silin.workbooks import importer, passes, services
from silin.workbooks.models import ImportJob
from silin.workbooks.reader import open_register
from silin.workbooks.retention import import_files_purge
from silin.workbooks.tests.helpers import excel_like, person, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def tags(db):
    """The default tags come with the people migrations: 高龄 and the sensitive 残疾."""
    assert Tag.objects.get(name="残疾").sensitive


def run(actor, content: bytes, *, apply: bool = False) -> ImportJob:
    job = services.import_upload(actor=actor, upload=upload(content))
    services.import_start(job=job)
    job.refresh_from_db()
    if apply and job.state == ImportJob.State.CHECKED:
        services.import_confirm(actor=actor, job=job)
        job.refresh_from_db()
    return job


def test_check_counts_what_would_change_and_writes_nothing(cast, world, tags):
    before = Resident.objects.count()
    job = run(cast.worker, workbook([person(1, tags="高龄"), person(2)]))
    assert job.state == ImportJob.State.CHECKED, job.report
    assert (job.to_create, job.to_update, job.households_to_create) == (2, 0, 2)
    assert Resident.objects.count() == before
    assert not Building.objects.filter(compound=world.tuoyuan, number="9").exists()


def test_confirmed_import_creates_residents_households_and_audit(cast, world, tags):
    job = run(cast.worker, workbook([person(1, tags="高龄、残疾"), person(5)]), apply=True)
    assert job.state == ImportJob.State.DONE, (job.message, job.report)
    assert job.rows_written == 2
    new = Resident.objects.get(name="测试1")
    assert new.household.compound == world.tuoyuan
    assert new.household.unit.building.number == "9"
    assert new.community == world.sanjiang
    assert new.mobile == "13900000001"
    assert sorted(t.code for t in new.tags.all()) == ["disability", "elderly_80"]
    entries = AuditEntry.objects.filter(detail=f"import:{job.uuid}")
    assert entries.count() == 2
    assert entries.first().changes["id_number"] == ["", "***"]
    job_entry = AuditEntry.objects.get(object_uuid=str(job.uuid), detail__startswith="import ")
    assert job_entry.changes["residents_created"] == [0, 2]
    assert job.file_sha256 in job_entry.detail


def test_one_bad_row_in_the_middle_changes_nothing(cast, world, tags):
    rows = [person(n) for n in range(1, 8)]
    rows[3]["id_number"] = rows[3]["id_number"][:-1] + (
        "0" if rows[3]["id_number"][-1] != "0" else "1"
    )
    before = Resident.objects.count()
    job = run(cast.worker, workbook(rows), apply=True)
    assert job.state == ImportJob.State.FAILED
    assert job.error_count == 1
    assert job.report["errors"][0]["row"] == 5
    assert job.report["errors"][0]["column"] == "id_number"
    assert Resident.objects.count() == before
    assert not Household.objects.filter(unit__building__number="9").exists()
    book = openpyxl.load_workbook(io.BytesIO(job.error_file.read()))
    sheet = book.worksheets[0]
    assert sheet.cell(row=1, column=17).value == "错误 Errors"
    assert "身份证号" in sheet.cell(row=5, column=17).value
    assert sheet.cell(row=5, column=11).fill.start_color.rgb.endswith("FFC7CE")
    assert sheet.cell(row=4, column=17).value is None


def test_a_row_that_became_bad_after_the_check_rolls_back_earlier_batches(
    cast, world, tags, monkeypatch
):
    monkeypatch.setattr(importer, "BATCH", 2)
    rows = [person(n) for n in range(1, 8)]
    job = run(cast.worker, workbook(rows))
    assert job.state == ImportJob.State.CHECKED
    # Someone registers the sixth person in 金龙社区 before the worker confirms.
    clash = Resident.objects.get(pk=world.other_resident.pk)
    clash.set_id_number(rows[5]["id_number"])
    clash.save()
    before = Resident.objects.count()
    services.import_confirm(actor=cast.worker, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.report["errors"][0]["row"] == 7
    assert Resident.objects.count() == before
    assert not Building.objects.filter(compound=world.tuoyuan, number="9").exists()


def test_duplicates_inside_the_file_and_outside_the_area_are_errors(cast, world, tags):
    twin = person(
        2, id_number=person(1)["id_number"], birth_date=person(1)["birth_date"], gender="男"
    )
    outsider_id = world.other_resident.id_number
    other = person(
        3, id_number=outsider_id, birth_date=world.other_resident.birth_date, gender="女"
    )
    job = run(cast.worker, workbook([person(1), twin, other]))
    found = {(e["row"], e["column"]): (e["code"], e["params"]) for e in job.report["errors"]}
    assert job.state == ImportJob.State.FAILED
    assert found == {
        (3, "id_number"): ("id_number.duplicate", {"n": 2}),
        (4, "id_number"): ("id_number.taken", {}),
    }


def test_update_by_id_number_previews_fields_masked_then_applies(cast, world, tags):
    liu = world.liu
    row = person(
        1,
        name="刘大爷",
        gender="男",
        birth_date=liu.birth_date,
        id_number=liu.id_number,
        mobile="13811112222",
        building="3",
        unit="1",
        floor=2,
        door="201",
    )
    job = run(cast.worker, workbook([row]))
    assert (job.to_create, job.to_update) == (0, 1)
    changes = {c[0]: c[1:] for c in job.report["preview"][0]["changes"]}
    assert changes["mobile"] == ["138****1234", "138****2222"]
    assert "id_number" not in changes
    services.import_confirm(actor=cast.worker, job=job)
    liu.refresh_from_db()
    assert liu.mobile == "13811112222"


def test_text_dates_full_width_digits_and_spaces_are_normalised(cast, world, tags):
    p = person(1)
    birth = p["birth_date"]
    full_width = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in p["id_number"])
    row = dict(
        p,
        birth_date=f"{birth.year}年{birth.month}月{birth.day}日",
        id_number=" " + full_width[:6] + " " + full_width[6:],
    )
    job = run(cast.worker, workbook([row]), apply=True)
    assert job.state == ImportJob.State.DONE, job.report
    assert Resident.objects.get(name="测试1").id_number == p["id_number"]


def test_cancel_before_confirming_changes_nothing(cast, world, tags):
    job = run(cast.worker, workbook([person(1)]))
    services.import_cancel(actor=cast.worker, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED
    with pytest.raises(ValidationError):
        services.import_confirm(actor=cast.worker, job=job)
    assert not Resident.objects.filter(name="测试1").exists()


def test_a_cancel_and_its_audit_entry_are_saved_together_or_not_at_all(
    cast, world, tags, monkeypatch
):
    job = run(cast.worker, workbook([person(1)]))
    assert job.state == ImportJob.State.CHECKED

    def audit_log_down(**kwargs):
        raise RuntimeError("the audit log refused the entry")

    monkeypatch.setattr(audit, "record", audit_log_down)
    with pytest.raises(RuntimeError):
        services.import_cancel(actor=cast.worker, job=job)
    job.refresh_from_db()
    assert (job.state, job.cancel_requested) == (ImportJob.State.CHECKED, False)

    monkeypatch.undo()
    services.import_cancel(actor=cast.worker, job=job)
    job.refresh_from_db()
    assert (job.state, job.cancel_requested) == (ImportJob.State.CANCELLED, True)
    entries = AuditEntry.objects.filter(object_uuid=str(job.uuid), detail="import cancelled")
    assert entries.count() == 1


def test_a_cancel_leaves_an_import_that_finished_meanwhile_as_it_is(cast, world, tags):
    job = run(cast.worker, workbook([person(1)]))
    stale = ImportJob.objects.get(pk=job.pk)  # read while the import was still checked
    services.import_confirm(actor=cast.worker, job=job)
    services.import_cancel(actor=cast.worker, job=stale)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert not AuditEntry.objects.filter(object_uuid=str(job.uuid), detail="import cancelled")


def test_a_workbook_saved_by_excel_with_shared_strings_and_a_dimension(cast, world, tags):
    content = excel_like(workbook([person(1, tags="高龄"), person(2)]))
    sheet = open_register(io.BytesIO(content))
    assert sheet.total == 2
    sheet.close()
    job = run(cast.worker, content, apply=True)
    assert job.state == ImportJob.State.DONE, job.report
    new = Resident.objects.get(name="测试1")
    assert new.household.door == person(1)["door"]
    assert [t.name for t in new.tags.all()] == ["高龄"]


def test_retention_deletes_old_uploads_and_keeps_the_record(cast, world, tags):
    job = run(cast.worker, workbook([person(1, mobile="1")]))
    assert job.file and job.error_file
    later = timezone.now() + dt.timedelta(days=1)
    assert import_files_purge(later, False) == 1
    assert import_files_purge(later, True) == 1
    job.refresh_from_db()
    assert not job.file and not job.error_file
    assert job.file_sha256 and job.error_count == 1
    assert import_files_purge(later, True) == 0


@pytest.mark.django_db(transaction=True)
def test_postgresql_apply_reports_progress_aside_and_a_cancel_rolls_everything_back(
    cast, world, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: the apply pass cannot be cancelled there")
    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(passes.Progress, "EVERY", 1)
    seen = []
    publish = passes.Progress._publish_aside

    def spy(self, values):
        seen.append(values["rows_written"])
        return publish(self, values)

    monkeypatch.setattr(passes.Progress, "_publish_aside", spy)
    before = Resident.objects.count()
    job = run(cast.worker, workbook([person(n) for n in range(1, 7)]), apply=True)
    assert job.state == ImportJob.State.DONE
    assert seen == [2, 4, 6]  # written by a second connection while the transaction ran

    job = run(cast.worker, workbook([person(n) for n in range(11, 17)]))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.APPLYING)
    job.refresh_from_db()
    services.import_cancel(actor=cast.worker, job=job)
    passes.import_apply(job_id=job.pk, actor=cast.worker)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED
    assert Resident.objects.count() == before + 6


def test_an_imported_former_resident_becomes_due_for_anonymisation_in_time(
    cast, world, tags, settings
):
    """The retention period runs from the import, for new and for changed records."""
    settings.SILIN_RESIDENT_RETENTION_DAYS = 30
    job = run(cast.worker, workbook([person(1, status="迁出"), person(2)]), apply=True)
    assert job.state == ImportJob.State.DONE, (job.message, job.report)
    moved = Resident.objects.get(name="测试1")
    assert moved.status == Resident.Status.MOVED_OUT
    assert anonymisation_due_on(moved) is not None
    living = Resident.objects.get(name="测试2")
    stamp = living.status_changed_at
    job = run(cast.worker, workbook([person(2, status="迁出")]), apply=True)
    living.refresh_from_db()
    assert living.status == Resident.Status.MOVED_OUT
    assert living.status_changed_at is not None and living.status_changed_at != stamp


@pytest.mark.parametrize("style", ["chinese", "english", "both"])
def test_headers_in_chinese_english_or_both_are_read(cast, world, tags, style):
    from silin.workbooks.columns import COLUMNS

    names = {
        "chinese": [c.zh for c in COLUMNS],
        "english": [c.en for c in COLUMNS],
        "both": [f"{c.zh} {c.en}" for c in COLUMNS],  # the templates of earlier versions
    }[style]
    book = openpyxl.load_workbook(io.BytesIO(workbook([person(1)])))
    for cell, name in zip(book.active[1], names, strict=True):
        cell.value = name
    buffer = io.BytesIO()
    book.save(buffer)
    job = run(cast.worker, buffer.getvalue())
    assert job.state == ImportJob.State.CHECKED, (job.message, job.report)
