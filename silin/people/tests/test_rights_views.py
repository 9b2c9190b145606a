"""Pages of residents' rights: My data and its downloads, consent withdrawal, correction
requests on both sides, anonymisation; scoping, languages and pinned query counts."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from silin.core.models import AuditEntry
from silin.lib import idnumbers
from silin.lib.dates import birth_date_for_age
from silin.people.models import CorrectionRequest, Guardian, Resident, Tag
from silin.people.services import consents, corrections, residents
from silin.people.tests.factories import ResidentFactory

MY_DATA = reverse("people:my-data")


def _download(client, fmt):
    return client.get(reverse("people:my-data-download", args=[fmt]))


# --- My data ---------------------------------------------------------------------------------


def test_a_resident_sees_every_section_with_their_own_numbers_in_full(world, cast, login):
    response = login(cast.liu).get(MY_DATA, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert world.liu.id_number in html
    assert "13800001234" in html
    for anchor in ("people-register", "people-household", "people-consents", "people-access-log"):
        assert f'id="section-{anchor}"' in html
    assert AuditEntry.objects.filter(
        object_uuid=str(world.liu.uuid), action="reveal", actor=cast.liu
    ).exists()


def test_my_data_is_always_the_signed_in_persons_own(world, cast, login):
    client = login(cast.worker)
    html = client.get(MY_DATA, {"resident": str(world.liu.uuid)}).content.decode()
    assert "刘大爷" not in html
    assert world.liu.id_number not in html
    assert 'id="no-register-record"' in html


def test_an_account_without_a_record_gets_a_plain_explanation(cast, login):
    html = login(cast.outsider).get(MY_DATA, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not linked to a record in the register" in html
    assert 'id="section-accounts-account"' in html
    assert 'id="ask-correction"' not in html


def test_my_data_needs_a_login(client):
    response = client.get(MY_DATA)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "我的数据"), ("zh-hant", "我的數據"), ("en", "My data")]
)
def test_my_data_speaks_each_language(cast, login, language, text):
    client = login(cast.liu)
    client.cookies["silin_language"] = language
    assert text in client.get(MY_DATA).content.decode()


def test_my_data_in_elderly_mode(cast, login):
    cast.liu.elderly_mode = True
    cast.liu.save(update_fields=["elderly_mode"])
    client = login(cast.liu)
    html = client.get(MY_DATA).content.decode()
    assert 'class="elderly"' in html


def test_the_json_download_holds_the_sections_and_is_audited(world, cast, login):
    response = _download(login(cast.liu), "json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="silin-my-data-')
    data = json.loads(response.content)
    keys = [s["key"] for s in data["sections"]]
    assert keys[0] == "people.register"
    values = [v for s in data["sections"] for r in s["records"] for _, v in r["fields"]]
    assert world.liu.id_number in values
    assert world.other_resident.name not in json.dumps(data, ensure_ascii=False)
    assert AuditEntry.objects.filter(
        object_uuid=str(world.liu.uuid), action="export", detail__contains="json"
    ).exists()


def test_the_excel_download_has_one_sheet_per_section(world, cast, login):
    client = login(cast.liu)
    response = _download(client, "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sections = json.loads(_download(client, "json").content)["sections"]
    assert len(book.sheetnames) == len(sections)
    register = book.worksheets[0]
    values = [c.value for row in register.iter_rows() for c in row]
    assert world.liu.id_number in values


def test_an_unknown_download_format_is_404(cast, login):
    assert _download(login(cast.liu), "pdf").status_code == 404


def test_the_excel_download_never_turns_text_into_a_formula(world, cast, login):
    Resident.objects.filter(pk=world.liu.pk).update(note='=HYPERLINK("http://x")')
    book = load_workbook(io.BytesIO(_download(login(cast.liu), "xlsx").content))
    cells = [c for row in book.worksheets[0].iter_rows() for c in row]
    note = next(c for c in cells if c.value and str(c.value).startswith("=HYPER"))
    assert note.data_type == "s"


# --- consents ---------------------------------------------------------------------------------


def test_a_resident_withdraws_a_consent_after_confirming(world, cast, login):
    consent = consents.consent_grant(actor=cast.worker, resident=world.liu, purpose="photos")
    client = login(cast.liu)
    url = reverse("people:my-data-consent-withdraw", args=[consent.uuid])
    assert 'href="' + url in client.get(MY_DATA).content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'id="withdraw-form"' in confirm.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    response = client.post(url)
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


@pytest.mark.parametrize("who", ["worker", "other_worker", "outsider"])
def test_nobody_else_reaches_a_residents_withdrawal_page(world, cast, login, who):
    consent = consents.consent_grant(actor=cast.worker, resident=world.liu, purpose="photos")
    url = reverse("people:my-data-consent-withdraw", args=[consent.uuid])
    client = login(getattr(cast, who))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


# --- correction requests ------------------------------------------------------------------


def _ask(client, **data):
    payload = {"field": "name", "value": "刘大海", "note": ""}
    payload.update(data)
    return client.post(reverse("people:correction-create"), payload, HTTP_ACCEPT_LANGUAGE="en")


def test_a_bad_correction_gets_a_message_next_to_the_field_and_nothing_is_saved(cast, login):
    response = _ask(login(cast.liu), field="mobile", value="123")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="value-errors"' in html and "11 digits" in html
    assert not CorrectionRequest.objects.exists()


def test_gender_and_relation_may_be_written_as_words(world, cast, login):
    assert _ask(login(cast.liu), field="relation", value="配偶").status_code == 302
    assert CorrectionRequest.objects.get().requested_value == "spouse"


def test_an_account_without_a_record_cannot_ask_for_a_correction(cast, login):
    assert _ask(login(cast.outsider)).status_code == 404


def test_correction_round_trip_applied(world, cast, login):
    assert _ask(login(cast.liu), note="身份证上是刘大海").status_code == 302
    request = CorrectionRequest.objects.get()
    worker = login(cast.worker)
    home = worker.get(reverse("console:home")).content.decode()
    assert reverse("people:correction-detail", args=[request.uuid]) in home
    listing = worker.get(reverse("people:correction-list")).content.decode()
    assert "刘大爷" in listing
    detail = worker.get(reverse("people:correction-detail", args=[request.uuid])).content.decode()
    assert "刘大海" in detail and "身份证上是刘大海" in detail
    response = worker.post(reverse("people:correction-apply", args=[request.uuid]))
    assert response.status_code == 302
    world.liu.refresh_from_db()
    assert world.liu.name == "刘大海"
    html = login(cast.liu).get(MY_DATA, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Corrected" in html


def test_correction_round_trip_declined(world, cast, login):
    _ask(login(cast.liu))
    request = CorrectionRequest.objects.get()
    worker = login(cast.worker)
    url = reverse("people:correction-decline", args=[request.uuid])
    empty = worker.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400 and 'id="reason-errors"' in empty.content.decode()
    assert worker.post(url, {"reason": "户口本上是刘大爷"}).status_code == 302
    world.liu.refresh_from_db()
    assert world.liu.name == "刘大爷"
    html = login(cast.liu).get(MY_DATA, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Declined" in html and "户口本上是刘大爷" in html


def test_a_value_the_register_refuses_is_shown_to_the_worker_and_the_request_stays_open(
    world, cast, login
):
    _ask(login(cast.liu), field="id_number", value=world.other_resident.id_number)
    request = CorrectionRequest.objects.get()
    response = login(cast.worker).post(
        reverse("people:correction-apply", args=[request.uuid]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "Another resident in the register has this ID number" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "open"


def test_a_grid_member_sees_requested_id_numbers_masked(world, cast, login):
    number = idnumbers.build("510121", world.liu.birth_date, 41, "M")
    _ask(login(cast.liu), field="id_number", value=number)
    request = CorrectionRequest.objects.get()
    url = reverse("people:correction-detail", args=[request.uuid])
    assert number not in login(cast.grid_member).get(url).content.decode()
    assert number in login(cast.worker).get(url).content.decode()
    assert AuditEntry.objects.filter(
        actor=cast.worker, action="reveal", detail="correction:id_number"
    ).exists()


@pytest.mark.parametrize("who", ["other_worker", "volunteer", "outsider", "liu"])
def test_others_cannot_see_or_decide_a_correction(world, cast, login, who):
    _ask(login(cast.liu))
    request = CorrectionRequest.objects.get()
    client = login(getattr(cast, who))
    assert client.get(reverse("people:correction-detail", args=[request.uuid])).status_code == 404
    apply = client.post(reverse("people:correction-apply", args=[request.uuid]))
    assert apply.status_code == 404
    request.refresh_from_db()
    assert request.status == "open"


@pytest.mark.parametrize("who", ["volunteer", "outsider", "liu"])
def test_the_correction_list_is_for_register_workers_only(cast, login, who):
    assert login(getattr(cast, who)).get(reverse("people:correction-list")).status_code == 404


def test_the_correction_list_filters_by_status_field_and_community(world, cast, login):
    _ask(login(cast.liu))
    _ask(login(cast.liu), field="mobile", value="13912345678")
    client = login(cast.street_admin)
    url = reverse("people:correction-list")
    assert "2 requests" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    only_mobile = client.get(url, {"field": "mobile"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "1 request" in only_mobile.content.decode()
    jinlong = client.get(url, {"community": str(world.jinlong.uuid)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "0 requests" in jinlong.content.decode()
    declined = client.get(url, {"status": "declined"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "0 requests" in declined.content.decode()


def test_the_correction_list_costs_the_same_queries_however_many_requests(
    world, cast, login, django_assert_num_queries
):
    _ask(login(cast.liu))
    client = login(cast.worker)
    url = reverse("people:correction-list")
    client.get(url)
    # session, user (with its role grants), communities for the filter, count, page of rows,
    # and the session renewal (savepoint, update, release)
    with django_assert_num_queries(5):
        client.get(url)
    for i in range(6):
        resident = ResidentFactory(name=f"居民{i}", household=world.liu_household)
        CorrectionRequest.objects.create(resident=resident, community=world.sanjiang, field="name")
    with django_assert_num_queries(5):
        client.get(url)


# --- anonymisation ----------------------------------------------------------------------------


def _moved_out(resident: Resident, days_ago: int) -> Resident:
    Resident.objects.filter(pk=resident.pk).update(
        status=Resident.Status.MOVED_OUT,
        status_changed_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    resident.refresh_from_db()
    return resident


def test_the_due_list_shows_former_residents_past_the_period(world, cast, login, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    _moved_out(world.liu, 400)
    html = login(cast.worker).get(reverse("people:anonymisation-list")).content.decode()
    assert "刘大爷" in html
    assert reverse("people:resident-anonymise", args=[world.liu.uuid]) in html


@pytest.mark.parametrize("who", ["grid_member", "volunteer", "outsider", "liu"])
def test_the_due_list_is_for_roles_that_may_anonymise(cast, login, who):
    assert login(getattr(cast, who)).get(reverse("people:anonymisation-list")).status_code == 404


def test_the_due_list_costs_the_same_queries_however_many_are_due(
    world, cast, login, settings, django_assert_num_queries
):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    _moved_out(world.liu, 400)
    client = login(cast.worker)
    url = reverse("people:anonymisation-list")
    client.get(url)
    # session, user (with its role grants), count, page of rows, session renewal (3)
    with django_assert_num_queries(4):
        client.get(url)
    for i in range(5):
        _moved_out(ResidentFactory(household=world.liu_household), 400 + i)
    with django_assert_num_queries(4):
        client.get(url)


def test_anonymising_early_is_refused_with_the_date_it_becomes_possible(
    world, cast, login, settings
):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    liu = _moved_out(world.liu, 100)
    url = reverse("people:resident-anonymise", args=[liu.uuid])
    response = login(cast.worker).post(url, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="anonymise-error"' in html and "retention period has not ended" in html
    liu.refresh_from_db()
    assert liu.anonymised_at is None


def test_a_worker_anonymises_a_resident_past_the_period(world, cast, login, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    liu = _moved_out(world.liu, 400)
    client = login(cast.worker)
    detail = client.get(reverse("people:resident-detail", args=[liu.uuid])).content.decode()
    assert 'id="anonymise-link"' in detail
    url = reverse("people:resident-anonymise", args=[liu.uuid])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    liu.refresh_from_db()
    assert liu.anonymised_at is not None and liu.name.startswith("已匿名居民")


@pytest.mark.parametrize("who", ["grid_member", "other_worker", "outsider", "liu"])
def test_others_cannot_reach_the_anonymise_page(world, cast, login, settings, who):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 30
    liu = _moved_out(world.liu, 400)
    url = reverse("people:resident-anonymise", args=[liu.uuid])
    assert login(getattr(cast, who)).post(url).status_code == 404
    liu.refresh_from_db()
    assert liu.anonymised_at is None


def test_profile_links_to_my_data(cast, login):
    html = login(cast.liu).get(reverse("accounts:profile")).content.decode()
    assert f'href="{MY_DATA}"' in html


def test_my_data_costs_the_same_queries_however_much_is_held(
    world, cast, login, django_assert_num_queries
):
    residents.resident_reveal(actor=cast.worker, resident=world.liu, field="mobile")
    client = login(cast.liu)
    client.get(MY_DATA)
    # People's own sections cost: resident, tags, wards, consents, guardians, corrections,
    # roles, tokens, audit entries and their actors' roles; other apps add a fixed few.
    with CaptureQueriesContext(connection) as before:
        client.get(MY_DATA)
    for tag in Tag.objects.all()[:3]:
        world.liu.tags.add(tag)
    for purpose in ("photos", "contact", "activities"):
        consents.consent_grant(actor=cast.worker, resident=world.liu, purpose=purpose)
    for i in range(3):
        field = ("name", "relation", "gender")[i]
        value = ("刘大海", "spouse", "F")[i]
        corrections.correction_request_create(actor=cast.liu, field=field, value=value)
        residents.resident_reveal(actor=cast.worker, resident=world.liu, field="mobile")
        child = ResidentFactory(
            household=world.liu_household,
            birth_date=birth_date_for_age(6 + i, today=timezone.localdate()),
        )
        Guardian.objects.create(minor=child, guardian=world.liu, relation="祖父")
        consents.consent_grant(
            actor=cast.worker, resident=child, purpose="photos", given_by=world.liu
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(MY_DATA)


def test_the_admin_lists_correction_requests_read_only_without_the_value(world, cast, login):
    request = corrections.correction_request_create(
        actor=cast.liu, field="mobile", value="13912345678"
    )
    client = login(cast.street_admin)
    listing = client.get(reverse("admin:people_correctionrequest_changelist"))
    assert listing.status_code == 200 and "刘大爷" in listing.content.decode()
    change = client.get(reverse("admin:people_correctionrequest_change", args=[request.pk]))
    assert change.status_code == 200
    assert "13912345678" not in change.content.decode()
    assert client.get(reverse("admin:people_correctionrequest_add")).status_code == 403


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
