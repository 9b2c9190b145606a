"""Imports and exports over the API: the same jobs, states and checks as the pages."""

from __future__ import annotations

import pytest

from silin.core.models import AuditEntry
from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.people.models import Resident
from silin.workbooks.models import ImportJob
from silin.workbooks.tests.helpers import person, read_sheet, upload, workbook

pytestmark = pytest.mark.django_db


def post_import(client, content: bytes, **data):
    return client.post(f"{API}/workbooks/imports", {"file": upload(content), **data})


def test_upload_check_then_apply(cast, world):
    client = client_for(cast.worker)
    response = post_import(client, workbook([person(1), person(2)]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "checked"
    assert (body["to_create"], body["rows_checked"], body["errors"]) == (2, 2, [])
    uuid = body["uuid"]
    assert client.get(f"{API}/workbooks/imports/{uuid}").json()["state"] == "checked"
    body = client.post(f"{API}/workbooks/imports/{uuid}/apply").json()
    assert (body["state"], body["rows_written"]) == ("done", 2)
    assert Resident.objects.filter(name__in=["测试1", "测试2"]).count() == 2
    listed = client.get(f"{API}/workbooks/imports").json()
    assert [item["uuid"] for item in listed["results"]] == [uuid]


def test_upload_and_apply_at_once_with_errors_reports_them(cast, world):
    client = client_for(cast.worker)
    rows = [person(1), person(2, birth_date="not a date"), person(3)]
    body = post_import(client, workbook(rows), apply_when_checked="true").json()
    assert body["state"] == "failed"
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "birth_date"
    assert body["error_workbook"] is True
    response = client.get(f"{API}/workbooks/imports/{body['uuid']}/errors")
    assert response.status_code == 200
    sheet = read_sheet(b"".join(response.streaming_content))
    assert sheet[2][-1].startswith("出生日期")
    assert not Resident.objects.filter(name="测试1").exists()


def test_an_unreadable_file_is_a_422_on_the_file_field(cast, world):
    response = post_import(client_for(cast.worker), b"hello")
    error = assert_error(response, 422, "invalid")
    assert list(error["fields"]) == ["file"]
    assert ImportJob.objects.count() == 0


def test_apply_of_a_failed_job_is_refused(cast, world):
    client = client_for(cast.worker)
    body = post_import(client, workbook([person(1, mobile="1")])).json()
    response = client.post(f"{API}/workbooks/imports/{body['uuid']}/apply")
    assert_error(response, 422, "invalid")


@pytest.mark.parametrize("who", ["grid_member", "volunteer", "outsider"])
def test_who_may_not_import_gets_403(cast, world, who):
    client = client_for(getattr(cast, who))
    assert_error(post_import(client, workbook([person(1)])), 403, "permission_denied")
    assert_error(client.get(f"{API}/workbooks/template"), 403, "permission_denied")


def test_another_communitys_job_is_404(cast, world):
    body = post_import(client_for(cast.worker), workbook([person(1)])).json()
    other = client_for(cast.other_worker)
    assert_error(other.get(f"{API}/workbooks/imports/{body['uuid']}"), 404, "not_found")
    assert_error(other.post(f"{API}/workbooks/imports/{body['uuid']}/cancel"), 404, "not_found")


def test_cancel_over_the_api(cast, world):
    client = client_for(cast.worker)
    body = post_import(client, workbook([person(1)])).json()
    body = client.post(f"{API}/workbooks/imports/{body['uuid']}/cancel").json()
    assert body["state"] == "cancelled"


def test_export_masked_unmasked_and_out_of_scope(cast, world):
    client = client_for(cast.worker)
    node = f"community:{world.sanjiang.uuid}"
    response = client.post(
        f"{API}/workbooks/exports",
        {"node": node, "format": "xlsx", "reveal": True, "columns": ["id_number"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response["X-Silin-Rows"], response["X-Silin-Revealed"]) == ("1", "true")
    rows = read_sheet(b"".join(response.streaming_content))
    assert rows[1][-1] == world.liu.id_number
    grid = client_for(cast.grid_member).post(
        f"{API}/workbooks/exports",
        {"node": node, "reveal": True, "format": "csv"},
        content_type="application/json",
    )
    assert grid["X-Silin-Revealed"] == "false"
    assert AuditEntry.objects.filter(action="export").count() == 2
    other = client_for(cast.other_worker).post(
        f"{API}/workbooks/exports", {"node": node}, content_type="application/json"
    )
    assert_error(other, 404, "not_found")
