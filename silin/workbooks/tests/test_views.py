"""The import and export pages: who sees what, the job page and its htmx progress."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from silin.people.models import Resident
from silin.workbooks.models import ImportJob
from silin.workbooks.tests.helpers import person, upload, workbook

pytestmark = pytest.mark.django_db
HOME = reverse("workbooks:workbook-home")


def post_file(client, content: bytes, **extra):
    return client.post(reverse("workbooks:import-create"), {"file": upload(content), **extra})


@pytest.mark.parametrize(
    ("who", "status", "can_import"),
    [
        ("street_admin", 200, True),
        ("worker", 200, True),
        ("grid_member", 200, False),
        ("volunteer", 404, False),
        ("liu", 404, False),
        ("outsider", 404, False),
    ],
)
def test_home_page_by_role(login, cast, who, status, can_import):
    response = login(getattr(cast, who)).get(HOME)
    assert response.status_code == status
    if status == 200:
        assert ('id="upload-form"' in response.content.decode()) is can_import


def test_home_page_query_count_is_pinned(login, cast, django_assert_num_queries):
    client = login(cast.worker)
    for n in range(3):
        post_file(client, workbook([person(n)]))
    client.get(HOME)
    with django_assert_num_queries(5):
        client.get(HOME)


def test_template_download_has_both_languages_lists_and_help(login, cast, world):
    response = login(cast.worker).get(reverse("workbooks:template-download"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["登记表", "说明 Help"]
    sheet = book["登记表"]
    assert sheet["H1"].value == "姓名"  # one language in the sheet ...
    help_rows = list(book["说明 Help"].iter_rows(values_only=True))
    assert ("姓名", "Name") in {row[:2] for row in help_rows}  # ... both in the help
    assert len(sheet.data_validations.dataValidation) == 3
    assert login(cast.grid_member).get(reverse("workbooks:template-download")).status_code == 404


def test_template_example_row_imports_cleanly(login, cast, world):
    client = login(cast.worker)
    content = client.get(reverse("workbooks:template-download")).content
    post_file(client, content)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKED, job.report
    assert job.to_create == 1


def test_upload_check_preview_confirm_through_the_pages(login, cast, world):
    client = login(cast.worker)
    response = post_file(client, workbook([person(1), person(2)]))
    job = ImportJob.objects.get()
    assert response.url == reverse("workbooks:import-detail", args=[job.uuid])
    page = client.get(response.url).content.decode()
    assert 'id="apply-button"' in page
    assert Resident.objects.filter(name__startswith="测试").count() == 0
    client.post(reverse("workbooks:import-apply", args=[job.uuid]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Resident.objects.filter(name__startswith="测试").count() == 2


def test_htmx_poll_returns_the_status_partial(login, cast, world):
    client = login(cast.worker)
    post_file(client, workbook([person(1)]))
    job = ImportJob.objects.get()
    response = client.get(
        reverse("workbooks:import-detail", args=[job.uuid]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.startswith('<div id="job-status"')
    assert "<html" not in body


def test_running_job_page_polls_and_shows_progress(login, cast, world):
    client = login(cast.worker)
    post_file(client, workbook([person(1)]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.CHECKING, rows_total=200, rows_checked=50, error_count=3
    )
    body = client.get(reverse("workbooks:import-detail", args=[job.uuid])).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="25"' in body


def test_errors_shown_and_error_workbook_downloadable(login, cast, world):
    client = login(cast.worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    post_file(client, workbook([person(1), person(2, mobile="123")]))
    job = ImportJob.objects.get()
    page = client.get(reverse("workbooks:import-detail", args=[job.uuid])).content.decode()
    assert "A mobile number has 11 digits" in page
    response = client.get(reverse("workbooks:import-errors", args=[job.uuid]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("who", ["other_worker", "grid_member", "outsider"])
def test_others_cannot_see_or_touch_a_job(login, cast, world, who):
    post_file(login(cast.worker), workbook([person(1)]))
    job = ImportJob.objects.get()
    client = login(getattr(cast, who))
    for name in ("import-detail", "import-errors"):
        assert client.get(reverse(f"workbooks:{name}", args=[job.uuid])).status_code == 404
    for name in ("import-apply", "import-cancel"):
        assert client.post(reverse(f"workbooks:{name}", args=[job.uuid])).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED


def test_street_admin_sees_the_community_workers_job(login, cast, world):
    post_file(login(cast.worker), workbook([person(1)]))
    job = ImportJob.objects.get()
    response = login(cast.street_admin).get(reverse("workbooks:import-detail", args=[job.uuid]))
    assert response.status_code == 200


def test_worker_cannot_import_into_another_community(login, cast, world):
    client = login(cast.other_worker)
    post_file(client, workbook([person(1)]), apply_when_checked="on")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(2, "community")]
    assert not Resident.objects.filter(name="测试1").exists()


def test_worker_cannot_update_a_resident_of_another_community_by_record(login, cast, world):
    row = person(
        1, community="金龙社区", compound="金都华府", record=str(world.other_resident.uuid)
    )
    post_file(login(cast.worker), workbook([row]))
    job = ImportJob.objects.get()
    assert "community" in {e["column"] for e in job.report["errors"]}
    row = person(1, record=str(world.other_resident.uuid))
    post_file(login(cast.worker), workbook([row]))
    job = ImportJob.objects.first()
    assert {e["column"] for e in job.report["errors"]} == {"record"}


@pytest.mark.parametrize("mode", ["elderly", "zh-hant", "en"])
def test_pages_render_in_every_language_and_elderly_mode(login, cast, world, mode):
    client = login(cast.worker)
    post_file(client, workbook([person(1)]))
    job = ImportJob.objects.get()
    if mode == "elderly":
        client.post(reverse("console:elderly-toggle"), {"next": HOME})
    else:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = mode
    for url in (HOME, reverse("workbooks:import-detail", args=[job.uuid])):
        body = client.get(url).content.decode()
        if mode == "elderly":
            assert 'class="elderly"' in body
        else:
            assert f'lang="{mode}"' in body
