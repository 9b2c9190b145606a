"""An import stores codes and params, never sentences: the file-level problem and the row
errors read in each reader's language, on the page and through the API, from one stored
job; the error workbook is written in the uploader's language."""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from silin.core.tests.api_helpers import API, client_for
from silin.workbooks import messages
from silin.workbooks.models import ImportJob
from silin.workbooks.tests.helpers import HEADERS, person, read_sheet, upload, workbook

pytestmark = pytest.mark.django_db

MOBILE_EN = "A mobile number has 11 digits and starts with 13 to 19."
MOBILE_ZH = "11 位数字，以 13"
FUTURE_EN = "The date of birth is in the future."
NO_ROWS_EN = "The register sheet has no rows."


def _in(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _checked_in_chinese(login, cast, rows) -> ImportJob:
    """Upload and check with a Chinese page: the check runs in Chinese."""
    client = _in(login(cast.worker), "zh-hans")
    client.post(reverse("workbooks:import-create"), {"file": upload(workbook(rows))})
    return ImportJob.objects.get()


def _page(client, job: ImportJob) -> str:
    return client.get(reverse("workbooks:import-detail", args=[job.uuid])).content.decode()


def test_row_errors_are_stored_as_codes_and_params(login, cast, world):
    job = _checked_in_chinese(login, cast, [person(1), person(2, mobile="123", note="x" * 301)])
    assert job.state == ImportJob.State.FAILED
    assert job.report["errors"] == [
        {"row": 3, "column": "note", "code": "cell.too_long", "params": {"n": 300}},
        {"row": 3, "column": "mobile", "code": "mobile.invalid", "params": {}},
    ]


def test_row_errors_read_in_each_readers_language_on_the_page(login, cast, world):
    job = _checked_in_chinese(login, cast, [person(1), person(2, mobile="123")])
    client = login(cast.worker)
    english = _page(_in(client, "en"), job)
    assert MOBILE_EN in english and MOBILE_ZH not in english
    assert "<td>Mobile</td>" in english  # the column, named in the reader's language
    chinese = _page(_in(client, "zh-hans"), job)
    assert MOBILE_ZH in chinese and MOBILE_EN not in chinese
    assert "<td>手机号</td>" in chinese


def test_row_errors_read_in_each_readers_language_through_the_api(login, cast, world):
    job = _checked_in_chinese(login, cast, [person(1), person(2, mobile="123")])
    url = f"{API}/workbooks/imports/{job.uuid}"
    english = _in(client_for(cast.worker), "en").get(url).json()["errors"]
    chinese = _in(client_for(cast.worker), "zh-hans").get(url).json()["errors"]
    assert english == [
        {"row": 3, "column": "mobile", "code": "mobile.invalid", "params": {}, "message": MOBILE_EN}
    ]
    assert [e["code"] for e in chinese] == ["mobile.invalid"]
    assert MOBILE_ZH in chinese[0]["message"]


def test_a_file_level_problem_reads_in_each_readers_language(login, cast, world):
    job = _checked_in_chinese(login, cast, [])  # headers, no rows: found by the check
    assert job.state == ImportJob.State.FAILED
    assert (job.message_code, job.message_params) == ("file.no_rows", {})
    client = login(cast.worker)
    assert NO_ROWS_EN in _page(_in(client, "en"), job)
    assert "没有数据行" in _page(_in(client, "zh-hans"), job)
    url = f"{API}/workbooks/imports/{job.uuid}"
    body = _in(client_for(cast.worker), "en").get(url).json()
    assert (body["message"], body["message_code"], body["message_params"]) == (
        NO_ROWS_EN,
        "file.no_rows",
        {},
    )
    body = _in(client_for(cast.worker), "zh-hans").get(url).json()
    assert "没有数据行" in body["message"] and body["message_code"] == "file.no_rows"


def test_a_stored_problem_with_params_names_the_columns_in_the_readers_language(login, cast, world):
    job = _checked_in_chinese(login, cast, [])
    ImportJob.objects.filter(pk=job.pk).update(
        message_code="file.headers_missing", message_params={"columns": ["name", "gender"]}
    )
    client = login(cast.worker)
    assert "these are missing: Name (姓名)、Gender (性别)." in _page(_in(client, "en"), job)
    assert "缺少以下列：姓名、性别" in _page(_in(client, "zh-hans"), job)


def test_a_file_refused_at_upload_is_told_at_once_in_the_requests_language(cast, world):
    headers = [h for h in HEADERS if h != "姓名"]
    content = workbook([person(1)], headers=headers)
    for language, words in (("en", "Name (姓名)"), ("zh-hans", "缺少以下列：姓名")):
        client = _in(client_for(cast.worker), language)
        response = client.post(f"{API}/workbooks/imports", {"file": upload(content)})
        assert response.status_code == 422
        assert words in response.json()["error"]["fields"]["file"][0]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("profile", "words", "not_words"),
    [("en", MOBILE_EN, MOBILE_ZH), ("", MOBILE_ZH, MOBILE_EN), ("zh-hans", MOBILE_ZH, MOBILE_EN)],
)
def test_the_error_workbook_is_written_in_the_uploaders_language(
    login, cast, world, profile, words, not_words
):
    cast.worker.language = profile
    cast.worker.save(update_fields=["language"])
    client = _in(login(cast.worker), "zh-hant")  # the page's language does not decide it
    client.post(
        reverse("workbooks:import-create"),
        {"file": upload(workbook([person(1), person(2, mobile="123")]))},
    )
    job = ImportJob.objects.get()
    sheet = read_sheet(b"".join(client.get(reverse("workbooks:import-errors", args=[job.uuid]))))
    assert sheet[0][-1] == "错误 Errors"
    cell = sheet[2][-1]
    assert cell.startswith("手机号: ") and words in cell and not_words not in cell


# --- the catalogue -------------------------------------------------------------------------

SAMPLES = {
    "file.no_register_sheet": {"names": ["Sheet1", "说明"]},
    "file.merged_cells": {"ranges": ["B2:B3"]},
    "file.headers_missing": {"columns": ["name"]},
    "file.too_many_rows": {"max": 250_000, "count": 1_000_000},
    "cell.too_long": {"n": 50},
    "cell.not_a_choice": {"choices": ["男", "女"]},
    "floor.differs": {"floor": 3},
    "record.duplicate": {"n": 2},
    "id_number.duplicate": {"n": 2},
    "id_number.birth_date_mismatch": {"date": "1946-03-12"},
    "tags.unknown": {"name": "爱心"},
}


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_code_renders_in_every_language(language):
    with translation.override(language):
        for code in messages.codes():
            text = messages.render(code, SAMPLES.get(code, {}))
            assert text and "%(" not in text and "code " not in text, (code, text)


def test_numbers_and_lists_in_params_are_worded_when_read():
    with translation.override("en"):
        text = messages.render("file.too_many_rows", SAMPLES["file.too_many_rows"])
        assert "more than 250,000 rows (1,000,000)" in text
        assert messages.render("cell.not_a_choice", SAMPLES["cell.not_a_choice"]).endswith(
            "男、女."
        )


def test_every_code_is_listed_for_api_clients():
    listed = (settings.BASE_DIR / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [code for code in [*messages.codes(), messages.LEGACY] if f"`{code}`" not in listed]
    assert not missing, "docs/api.md, Register imports: " + ", ".join(missing)


def test_an_unknown_code_or_bad_params_still_say_something():
    with translation.override("en"):
        assert "gone.code" in messages.render("gone.code", {})
        assert "cell.too_long" in messages.render("cell.too_long", {"m": 1})
        assert messages.render("legacy", {"text": "旧的说明"}) == "旧的说明"


# --- the migration of jobs stored as sentences ---------------------------------------------

MIGRATION = importlib.import_module("silin.workbooks.migrations.0002_import_messages_as_codes")


class _Jobs:
    """Just enough of a historical model manager for the migration's functions."""

    def __init__(self, jobs):
        self.jobs = jobs

    def iterator(self, chunk_size):
        return iter(self.jobs)


class _Job:
    def __init__(self, **fields):
        self.__dict__.update(fields)
        self.saved = None

    def save(self, update_fields):
        self.saved = update_fields


class _Apps:
    def __init__(self, jobs):
        self.model = type("ImportJob", (), {"objects": _Jobs(jobs)})

    def get_model(self, app, name):
        return self.model


def test_the_migration_keeps_old_sentences_as_legacy_codes_and_back():
    old = _Job(
        message="登记表没有数据。",
        message_code="",
        message_params={},
        report={"errors": [{"row": 3, "column": "mobile", "message": "手机号不对"}], "preview": []},
    )
    untouched = _Job(message="", message_code="", message_params={}, report={})
    MIGRATION._to_codes(_Apps([old, untouched]), None)
    assert (old.message_code, old.message_params) == ("legacy", {"text": "登记表没有数据。"})
    assert old.report == {
        "errors": [
            {"row": 3, "column": "mobile", "code": "legacy", "params": {"text": "手机号不对"}}
        ],
        "preview": [],
    }
    assert untouched.saved is None
    assert messages.render(old.message_code, old.message_params) == "登记表没有数据。"
    MIGRATION._to_sentences(_Apps([old]), None)
    assert old.message == "登记表没有数据。"
    assert old.report["errors"] == [{"row": 3, "column": "mobile", "message": "手机号不对"}]
