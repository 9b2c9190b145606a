"""刘大爷 opens his data, downloads it and asks for a correction; a worker applies it.
axe-core on every page of residents' data rights, in the standard view and in 长辈版."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from silin.people.models import CorrectionRequest, Resident
from silin.people.services import consents, corrections

pytestmark = pytest.mark.browser


def test_liu_downloads_his_data_and_a_worker_applies_his_correction(visitor, cast, world):
    page = visitor.page
    visitor.login_as(cast.liu)
    visitor.visit("console:home", label="liu-home")
    page.click("#my-data-link a")
    page.wait_for_selector("#section-people-register")
    visitor.screenshot("liu-my-data")
    assert world.liu.id_number in page.inner_text("#section-people-register")

    with page.expect_download() as info:
        page.click("#download-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    assert "13800001234" in [c.value for row in book.worksheets[0].iter_rows() for c in row]
    with page.expect_download() as info:
        page.click("#download-json")
    with open(info.value.path(), encoding="utf-8") as f:
        assert json.load(f)["sections"][0]["key"] == "people.register"

    page.click("#ask-correction")
    page.select_option("#id_field", "name")
    page.fill("#id_value", "刘大海")
    page.fill("#id_note", "身份证上是刘大海")
    visitor.screenshot("liu-correction-form")
    page.click("#correction-form button[type=submit]")
    page.wait_for_selector("#section-people-corrections")
    assert "等待社区处理" in page.inner_text("#section-people-corrections")
    visitor.screenshot("liu-correction-sent")

    page.context.clear_cookies()
    visitor.login_as(cast.worker)
    visitor.visit("console:home", label="worker-home")
    assert "刘大爷" in page.inner_text("#todo-peoplecorrections")
    page.click("#todo-peoplecorrections a")
    page.wait_for_selector("#apply-form")
    visitor.screenshot("worker-correction-detail")
    page.click("#apply-form button")
    page.wait_for_selector("#correction-filters")
    visitor.screenshot("worker-after-apply")
    world.liu.refresh_from_db()
    assert world.liu.name == "刘大海"
    assert CorrectionRequest.objects.get().status == "applied"


def _moved_out_long_ago(world) -> Resident:
    resident = world.other_resident
    Resident.objects.filter(pk=resident.pk).update(
        status=Resident.Status.MOVED_OUT,
        status_changed_at=timezone.now() - dt.timedelta(days=4000),
    )
    return resident


def _setup_pages(world, cast) -> dict:
    consent = consents.consent_grant(actor=cast.worker, resident=world.liu, purpose="photos")
    request = corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    moved = _moved_out_long_ago(world)
    return {
        "my-data-liu": ("liu", "people:my-data", {}),
        "my-data-outsider": ("outsider", "people:my-data", {}),
        "consent-withdraw": ("liu", "people:my-data-consent-withdraw", {"uuid": consent.uuid}),
        "correction-form": ("liu", "people:correction-create", {}),
        "correction-list": ("worker", "people:correction-list", {}),
        "correction-detail": ("worker", "people:correction-detail", {"uuid": request.uuid}),
        "anonymisation-list": ("street_admin", "people:anonymisation-list", {}),
        "resident-anonymise": ("street_admin", "people:resident-anonymise", {"uuid": moved.uuid}),
    }


CASES = [
    "my-data-liu",
    "my-data-outsider",
    "consent-withdraw",
    "correction-form",
    "correction-list",
    "correction-detail",
    "anonymisation-list",
    "resident-anonymise",
]


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize("case", CASES)
def test_rights_pages_have_no_serious_accessibility_violation(visitor, cast, world, case, elderly):
    who, url_name, kwargs = _setup_pages(world, cast)[case]
    user = getattr(cast, who)
    user.elderly_mode = elderly
    user.save(update_fields=["elderly_mode"])
    visitor.login_as(user)
    visitor.visit(url_name, label=f"{case}-{'elderly' if elderly else 'standard'}", **kwargs)
    visitor.assert_accessible(f"{case} ({'长辈版' if elderly else 'standard'})")


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_my_data_in_other_languages(visitor, cast, world, language):
    visitor.page.context.add_cookies(
        [{"name": "silin_language", "value": language, "url": visitor.live_server.url}]
    )
    cast.liu.language = language
    cast.liu.save(update_fields=["language"])
    visitor.login_as(cast.liu)
    visitor.visit("people:my-data", label=f"my-data-{language}")
    heading = visitor.page.inner_text("h1")
    assert heading == {"en": "My data", "zh-hant": "我的數據"}[language]
    visitor.assert_accessible(f"my data ({language})")
