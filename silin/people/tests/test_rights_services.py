"""Residents' rights (PIPL): the personal-data registry, correction requests, consent
withdrawal by the resident, anonymisation and the retention command."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from silin.accounts.models import OneTimeCode, User
from silin.core import personal_data, retention
from silin.core.models import AuditEntry
from silin.lib import idnumbers
from silin.lib.dates import birth_date_for_age
from silin.notifications.models import Notification
from silin.people import selectors
from silin.people.models import Consent, CorrectionRequest, Guardian, Resident, Tag
from silin.people.proxy_models import ProxyLink
from silin.people.services import anonymisation, consents, corrections, residents
from silin.people.tests.factories import ResidentFactory
from silin.people.tests.proxy_fixtures import grant_booking_link, make_daughter


def _entries(obj, **kwargs):
    return AuditEntry.objects.filter(object_uuid=str(obj.uuid), **kwargs)


# --- registry --------------------------------------------------------------------------------


def test_the_registry_collects_every_default_section_in_order(world, cast):
    subject, sections = selectors.my_data_for(actor=cast.liu)
    # Other apps (spaces, notifications ...) add sections of their own in between.
    keys = [s.key for s in sections if s.key.startswith(("people.", "accounts."))]
    assert keys == [
        "people.register",
        "people.household",
        "people.tags",
        "people.consents",
        "people.guardians",
        "people.corrections",
        "accounts.account",
        "accounts.tokens",
        "people.proxies",
        "people.done_for_you",
        "people.access_log",
    ]
    register = dict(sections[0].records[0].fields)
    # The resident's own ID and mobile numbers are shown in full: they are their own data.
    assert world.liu.id_number in register.values()
    assert "13800001234" in register.values()


def test_an_app_joins_the_registry_without_editing_people_code(world, cast):
    def bookings(subject):
        return personal_data.Section(
            title="Bookings",
            records=[
                personal_data.Record(title="Reading bar", fields=[("When", dt.date(2026, 1, 2))])
            ],
        )

    personal_data.register("test.bookings", bookings, order=75)
    try:
        _, sections = selectors.my_data_for(actor=cast.liu)
    finally:
        personal_data.unregister("test.bookings")
    keys = [s.key for s in sections]
    assert keys.index("test.bookings") == keys.index("accounts.account") + 1
    exported = personal_data.as_export(sections)
    booking = next(s for s in exported.sections if s["key"] == "test.bookings")
    assert booking["records"][0]["fields"] == [["When", "2026-01-02"]]


def test_an_account_without_a_register_record_gets_only_account_sections(cast):
    subject, sections = selectors.my_data_for(actor=cast.outsider)
    assert subject.resident is None
    keys = [s.key for s in sections]
    assert "accounts.account" in keys and "accounts.tokens" in keys
    assert not [k for k in keys if k.startswith("people.")]


def test_the_access_log_names_the_actors_role_not_their_name(world, cast):
    residents.resident_reveal(actor=cast.worker, resident=world.liu, field="mobile")
    _, sections = selectors.my_data_for(actor=cast.liu)
    log = next(s for s in sections if s.key == "people.access_log")
    rendered = personal_data.as_export([log]).sections[0]["records"]
    texts = " ".join(value for r in rendered for _, value in r["fields"])
    assert "三江社区" in texts
    assert "三江社工" not in texts


# --- viewing and downloading are audited ----------------------------------------------------


def test_viewing_own_data_is_logged_as_a_reveal_and_downloads_as_exports(world, cast):
    residents.personal_data_access_record(actor=cast.liu, resident=world.liu, kind="view")
    residents.personal_data_access_record(actor=cast.liu, resident=world.liu, kind="xlsx")
    assert _entries(world.liu, action="reveal", detail="self:id_number,mobile").count() == 1
    assert _entries(world.liu, action="export").get().detail == "self:personal data (xlsx)"


# --- consents -------------------------------------------------------------------------------


def test_a_resident_withdraws_their_own_consent(world, cast):
    consent = consents.consent_grant(actor=cast.worker, resident=world.liu, purpose="photos")
    consents.consent_withdraw_by_resident(actor=cast.liu, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert _entries(world.liu, action="revoke", actor=cast.liu).exists()


def _young_ward(world, guardian: Resident) -> Resident:
    today = timezone.localdate()
    child = ResidentFactory.create(
        name="刘小宝",
        household=world.liu_household,
        birth_date=birth_date_for_age(8, today=today),
        relation=Resident.Relation.GRANDCHILD,
    )
    Guardian.objects.create(minor=child, guardian=guardian, relation="祖父")
    return child


def test_a_guardian_withdraws_a_consent_of_a_ward_under_14(world, cast):
    child = _young_ward(world, world.liu)
    consent = consents.consent_grant(
        actor=cast.worker, resident=child, purpose="photos", given_by=world.liu
    )
    consents.consent_withdraw_by_resident(actor=cast.liu, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    _, sections = selectors.my_data_for(actor=cast.liu)
    section = next(s for s in sections if s.key == "people.consents")
    assert any("刘小宝" in str(r.title) for r in section.records)


@pytest.mark.parametrize("who", ["worker", "outsider", "other_worker"])
def test_nobody_else_withdraws_a_residents_consent_this_way(world, cast, who):
    consent = consents.consent_grant(actor=cast.worker, resident=world.liu, purpose="photos")
    with pytest.raises(PermissionDenied):
        consents.consent_withdraw_by_resident(actor=getattr(cast, who), consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_guardian_cannot_withdraw_for_a_ward_of_14_or_older(world, cast):
    today = timezone.localdate()
    teen = ResidentFactory(
        household=world.liu_household, birth_date=birth_date_for_age(16, today=today)
    )
    Guardian.objects.create(minor=teen, guardian=world.liu, relation="祖父")
    consent = consents.consent_grant(actor=cast.worker, resident=teen, purpose="photos")
    with pytest.raises(PermissionDenied):
        consents.consent_withdraw_by_resident(actor=cast.liu, consent=consent)


# --- correction requests --------------------------------------------------------------------


def test_a_correction_request_is_stored_encrypted_and_audited_without_its_value(world, cast):
    request = corrections.correction_request_create(
        actor=cast.liu, field="mobile", value="139 1234 5678", note="换号了"
    )
    assert request.community == world.sanjiang
    assert request.requested_value == "13912345678"
    assert "13912345678" not in request.requested_value_encrypted
    entry = _entries(request).get()
    assert "13912345678" not in str(entry.changes) + entry.detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mobile", "12345", "11"),
        ("birth_date", "1946年3月", "1946-03-12"),
        ("birth_date", "2999-01-01", "future"),
        ("gender", "X", "options"),
        ("id_number", "51012119460312001", "17"),
        ("name", "   ", "what it should say"),
        ("household", "x", "choose what"),
    ],
)
def test_a_correction_with_a_bad_value_is_refused_and_nothing_saved(
    world, cast, field, value, message
):
    with translation.override("en"), pytest.raises(ValidationError) as info:
        corrections.correction_request_create(actor=cast.liu, field=field, value=value)
    assert message in " ".join(info.value.messages)
    assert not CorrectionRequest.objects.exists()


def test_one_open_request_per_field(world, cast):
    corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    with pytest.raises(ValidationError) as info:
        corrections.correction_request_create(actor=cast.liu, field="name", value="刘大山")
    assert "field" in info.value.message_dict
    corrections.correction_request_create(actor=cast.liu, field="mobile", value="13912345678")
    assert CorrectionRequest.objects.count() == 2


def test_only_a_resident_with_a_record_asks_for_a_correction(cast):
    with pytest.raises(PermissionDenied):
        corrections.correction_request_create(actor=cast.outsider, field="name", value="路人甲")


def test_a_worker_applies_a_correction_through_the_register(
    world, cast, django_capture_on_commit_callbacks
):
    request = corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    with django_capture_on_commit_callbacks(execute=True):
        corrections.correction_request_apply(actor=cast.worker, request=request)
    world.liu.refresh_from_db()
    request.refresh_from_db()
    assert world.liu.name == "刘大海"
    assert request.status == CorrectionRequest.Status.APPLIED
    assert request.decided_by == cast.worker
    # resident_update wrote the usual audit entry with the changed field.
    assert _entries(world.liu, action="update").get().changes["name"] == ["刘大爷", "刘大海"]


def test_a_correction_the_register_refuses_stays_open(world, cast):
    other = world.other_resident.id_number
    request = corrections.correction_request_create(actor=cast.liu, field="id_number", value=other)
    with pytest.raises(ValidationError):
        corrections.correction_request_apply(actor=cast.worker, request=request)
    request.refresh_from_db()
    assert request.status == CorrectionRequest.Status.OPEN


def test_an_id_number_correction_also_corrects_the_birth_date_it_states(world, cast):
    liu = world.liu
    new_birth = liu.birth_date.replace(day=13)
    new_id = idnumbers.build("510121", new_birth, 33, "M")
    alone = corrections.correction_request_create(
        actor=cast.liu, field="birth_date", value=new_birth.isoformat()
    )
    # A birth date disagreeing with the ID number on file is refused by the register ...
    with pytest.raises(ValidationError):
        corrections.correction_request_apply(actor=cast.worker, request=alone)
    # ... while a corrected ID number brings its birth date and sex with it.
    request = corrections.correction_request_create(actor=cast.liu, field="id_number", value=new_id)
    corrections.correction_request_apply(actor=cast.worker, request=request)
    liu.refresh_from_db()
    assert (liu.id_number, liu.birth_date) == (new_id, new_birth)


def test_a_worker_declines_with_a_reason_the_resident_sees(world, cast):
    request = corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    with pytest.raises(ValidationError):
        corrections.correction_request_decline(actor=cast.worker, request=request, reason=" ")
    corrections.correction_request_decline(
        actor=cast.worker, request=request, reason="户口本上是刘大爷"
    )
    _, sections = selectors.my_data_for(actor=cast.liu)
    section = next(s for s in sections if s.key == "people.corrections")
    fields = dict(section.records[0].fields)
    assert "户口本上是刘大爷" in fields.values()
    with pytest.raises(ValidationError):
        corrections.correction_request_apply(actor=cast.worker, request=request)


@pytest.mark.parametrize("who", ["other_worker", "volunteer", "outsider", "liu"])
def test_only_workers_of_the_residents_community_decide(world, cast, who):
    request = corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    with pytest.raises(PermissionDenied):
        corrections.correction_request_apply(actor=getattr(cast, who), request=request)
    with pytest.raises(PermissionDenied):
        corrections.correction_request_decline(
            actor=getattr(cast, who), request=request, reason="x"
        )


def test_workers_see_the_requests_of_their_community_only(world, cast):
    corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    filters = selectors.CorrectionFilters()
    assert selectors.correction_request_list(actor=cast.worker, filters=filters).count() == 1
    assert selectors.correction_request_list(actor=cast.grid_member, filters=filters).count() == 1
    assert selectors.correction_request_list(actor=cast.street_admin, filters=filters).count() == 1
    for other in (cast.other_worker, cast.outsider, cast.volunteer, cast.liu):
        assert selectors.correction_request_list(actor=other, filters=filters).count() == 0


def test_the_resident_is_notified_in_their_language(
    world, cast, django_capture_on_commit_callbacks
):
    request = corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    with django_capture_on_commit_callbacks(execute=True):
        corrections.correction_request_decline(actor=cast.worker, request=request, reason="不对")
    notice = Notification.objects.get(recipient=cast.liu)
    assert notice.params == {"field": "name", "status": "declined", "reason": "不对"}
    with translation.override("zh-hans"):
        chinese = notice.rendered
    assert chinese.title == "您的更正申请未获通过" and "不对" in chinese.body
    assert chinese.url == reverse("people:my-data")
    with translation.override("en"):
        english = Notification.objects.get(pk=notice.pk).rendered
    assert english.title == "Your correction request was declined"
    assert english.body == "Name: Declined. 不对"


# --- anonymisation --------------------------------------------------------------------------


def _moved_out(resident: Resident, days_ago: int) -> Resident:
    Resident.objects.filter(pk=resident.pk).update(
        status=Resident.Status.MOVED_OUT,
        status_changed_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    resident.refresh_from_db()
    return resident


def test_resident_update_records_when_the_status_changed(world, cast):
    liu = world.liu
    data = corrections._data_from(liu)
    data.status = Resident.Status.DECEASED
    before = timezone.now()
    residents.resident_update(actor=cast.worker, resident=liu, data=data)
    liu.refresh_from_db()
    assert liu.status_changed_at >= before


def test_anonymising_is_refused_while_the_retention_period_runs(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    liu = _moved_out(world.liu, days_ago=100)
    with pytest.raises(ValidationError) as info:
        anonymisation.resident_anonymise(actor=cast.worker, resident=liu)
    due = timezone.localdate(liu.status_changed_at + dt.timedelta(days=365))
    assert due.isoformat() in info.value.messages[0]
    liu.refresh_from_db()
    assert liu.name == "刘大爷" and liu.anonymised_at is None


def test_a_living_resident_is_never_anonymised(world, cast):
    with pytest.raises(ValidationError):
        anonymisation.resident_anonymise(actor=cast.worker, resident=world.liu)


def test_anonymising_erases_personal_fields_and_keeps_statistics(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    liu = _moved_out(world.liu, days_ago=400)
    sensitive = Tag.objects.create(
        code="t-disabled", name="残疾", name_en="Disabled", sensitive=True
    )
    plain = Tag.objects.create(code="t-old", name="高龄", name_en="Elderly")
    liu.tags.set([sensitive, plain])
    liu.note = "腿脚不便"
    liu.save()
    corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    birth_year, gender = liu.birth_date.year, liu.gender

    anonymisation.resident_anonymise(actor=cast.worker, resident=liu)

    liu.refresh_from_db()
    assert liu.name.startswith("已匿名居民 ")
    assert liu.id_number_encrypted == liu.id_number_hash == ""
    assert liu.mobile_encrypted == liu.mobile_hash == ""
    assert liu.note == ""
    assert liu.birth_date == dt.date(birth_year, 1, 1)
    assert (liu.gender, liu.household, liu.community, liu.status) == (
        gender,
        world.liu_household,
        world.sanjiang,
        Resident.Status.MOVED_OUT,
    )
    assert list(liu.tags.all()) == [plain]
    assert not CorrectionRequest.objects.filter(resident=liu).exists()
    assert User.objects.get(pk=cast.liu.pk).resident_id is None
    entry = _entries(liu, detail__startswith="anonymised").get()
    assert entry.actor == cast.worker
    assert "刘大爷" not in str(entry.changes) and "13800001234" not in str(entry.changes)
    assert set(entry.changes) == set(anonymisation.ERASED_FIELDS)
    with pytest.raises(ValidationError):
        anonymisation.resident_anonymise(actor=cast.worker, resident=liu)


@pytest.mark.parametrize("who", ["grid_member", "other_worker", "volunteer", "outsider", "liu"])
def test_only_roles_with_anonymise_capability_over_the_resident_anonymise(
    world, cast, who, settings
):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 30
    liu = _moved_out(world.liu, days_ago=400)
    with pytest.raises(PermissionDenied):
        anonymisation.resident_anonymise(actor=getattr(cast, who), resident=liu)


def test_the_due_list_holds_former_residents_past_the_period_in_scope(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    _moved_out(world.liu, days_ago=400)
    _moved_out(world.other_resident, days_ago=400)
    recent = _moved_out(ResidentFactory(household=world.liu_household), days_ago=10)
    due = list(selectors.residents_due_for_anonymisation(actor=cast.worker))
    assert due == [world.liu]
    assert recent not in due
    assert set(selectors.residents_due_for_anonymisation(actor=cast.street_admin)) == {
        world.liu,
        world.other_resident,
    }
    assert not selectors.residents_due_for_anonymisation(actor=cast.grid_member).exists()
    assert not selectors.residents_due_for_anonymisation(actor=cast.outsider).exists()


def test_an_anonymised_record_can_no_longer_be_edited(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 30
    liu = anonymisation.resident_anonymise(actor=cast.worker, resident=_moved_out(world.liu, 400))
    data = corrections._data_from(liu)
    data.name = "刘大爷"
    with pytest.raises(ValidationError):
        residents.resident_update(actor=cast.worker, resident=liu, data=data)


# --- retention command ----------------------------------------------------------------------


def _run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_apply_retention_reports_without_changing_anything_by_default(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 30
    _moved_out(world.liu, days_ago=400)
    out = _run()
    assert "people.residents: 1 due" in out
    assert "Dry run" in out
    world.liu.refresh_from_db()
    assert world.liu.anonymised_at is None


def test_apply_retention_acts_on_what_is_due(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 30
    settings.SILIN_OTP_RETENTION_DAYS = 1
    _moved_out(world.liu, days_ago=400)
    _moved_out(world.other_resident, days_ago=5)
    old_code = OneTimeCode.objects.create(user=cast.liu, code_hash="x", expires_at=timezone.now())
    OneTimeCode.objects.filter(pk=old_code.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    fresh = OneTimeCode.objects.create(user=cast.liu, code_hash="y", expires_at=timezone.now())
    out = _run("--apply")
    assert "people.residents: 1 acted on" in out
    assert "accounts.one_time_codes: 1 acted on" in out
    world.liu.refresh_from_db()
    world.other_resident.refresh_from_db()
    assert world.liu.anonymised_at is not None
    assert world.other_resident.anonymised_at is None
    assert list(OneTimeCode.objects.all()) == [fresh]
    entry = _entries(world.liu, detail__startswith="anonymised").get()
    assert entry.actor is None and "retention" in entry.detail


def test_apply_retention_purges_old_audit_entries_and_says_so(world, cast, settings):
    settings.SILIN_AUDIT_RETENTION_DAYS = 200
    residents.resident_reveal(actor=cast.worker, resident=world.liu, field="mobile")
    entry = AuditEntry.objects.latest("id")
    # The audit log refuses updates (manager and database trigger): age the entry by
    # running the command as if it were 201 days later.
    later = timezone.now() + dt.timedelta(days=201)
    outcomes = {o.registration.key: o.count for o in retention.run(apply=False, now=later)}
    assert outcomes["core.audit"] == AuditEntry.objects.count()
    retention.run(apply=True, now=later)
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()
    purge = AuditEntry.objects.get()
    assert (purge.object_type, purge.action) == ("core.auditentry", "delete")
    # The guard is back: the database still refuses to delete or change an entry.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.count() == 1


def test_every_retention_setting_has_a_rule():
    assert retention.unenforced_settings() == []


def test_a_setting_without_a_rule_is_listed(world):
    registration = next(r for r in retention.registrations() if r.key == "core.audit")
    retention.unregister("core.audit")
    try:
        assert retention.unenforced_settings() == ["SILIN_AUDIT_RETENTION_DAYS"]
        assert "SILIN_AUDIT_RETENTION_DAYS: no rule registered" in _run()
    finally:
        retention.register(
            "core.audit",
            setting=registration.setting,
            label=registration.label,
            rule=registration.rule,
        )


def test_consents_of_an_anonymised_resident_remain_for_statistics(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 30
    consents.consent_grant(actor=cast.worker, resident=world.liu, purpose="photos")
    anonymisation.resident_anonymise(actor=cast.worker, resident=_moved_out(world.liu, 400))
    assert Consent.objects.filter(resident=world.liu).count() == 1


def test_key_rotation_reencrypts_correction_requests(world, cast, settings):
    request = corrections.correction_request_create(
        actor=cast.liu, field="mobile", value="13912345678"
    )
    old_key = settings.SILIN_FIELD_KEYS[0]
    new_key = base64.urlsafe_b64encode(b"n" * 32).decode()
    settings.SILIN_FIELD_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.SILIN_FIELD_KEYS = [new_key]  # the old key is gone: the value must still read
    assert CorrectionRequest.objects.get(pk=request.pk).requested_value == "13912345678"


def test_anonymising_ends_the_family_links_of_the_resident_account(world, cast, settings):
    settings.SILIN_RESIDENT_RETENTION_DAYS = 365
    daughter = make_daughter()
    link = grant_booking_link(cast, daughter)
    liu = _moved_out(world.liu, days_ago=400)

    anonymisation.resident_anonymise(actor=cast.worker, resident=liu)

    link.refresh_from_db()
    assert link.state == ProxyLink.State.REVOKED and link.ended_by == cast.worker
    assert not ProxyLink.objects.in_force().filter(principal=cast.liu).exists()
    entry = AuditEntry.objects.get(object_uuid=str(link.uuid), action="revoke")
    assert entry.detail == "ended: resident anonymised"


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
