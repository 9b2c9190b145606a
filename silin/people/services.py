"""Writes to the register. Each service checks scope, validates, saves and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import covers_household
from silin.people.models import Consent, CorrectionRequest, Guardian, Resident, Tag
from silin.people.validation import check_id_number, check_mobile
from silin.places.models import Household

AUDITED_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "mobile",
    "household",
    "relation",
    "status",
    "tags",
    "note",
)


@dataclass
class ResidentData:
    name: str
    gender: str
    birth_date: dt.date
    household: Household
    relation: str = Resident.Relation.HEAD
    status: str = Resident.Status.LIVING
    id_number: str = ""
    mobile: str = ""
    tags: Iterable[Tag] = ()
    note: str = ""


def _require_edit_scope(actor, household: Household) -> None:
    if not covers_household(actor, Capability.EDIT_REGISTER, household):
        raise ValidationError(
            {"household": [_("This household is outside the area you look after.")]}
        )


def _validate(data: ResidentData, *, instance: Resident | None) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Please enter the resident's name.")]
    if data.birth_date and data.birth_date > timezone.localdate():
        errors.setdefault("birth_date", []).append(_("The date of birth is in the future."))
    id_number, id_errors = check_id_number(
        data.id_number, birth_date=data.birth_date, gender=data.gender
    )
    mobile, mobile_errors = check_mobile(data.mobile)
    for source in (id_errors, mobile_errors):
        for field, messages in source.items():
            errors.setdefault(field, []).extend(messages)
    if id_number and "id_number" not in errors:
        from silin.lib.crypto import lookup_hash

        clash = Resident.objects.filter(id_number_hash=lookup_hash(id_number))
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["id_number"] = [_("Another resident in the register has this ID number.")]
    if errors:
        raise ValidationError(errors)
    return id_number, mobile


def _state(resident: Resident) -> dict:
    return {
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
        "id_number": resident.id_number_hash,
        "mobile": resident.mobile_hash,
        "household": str(resident.household.uuid) if resident.household_id else None,
        "relation": resident.relation,
        "status": resident.status,
        "tags": sorted(t.code for t in resident.tags.all()) if resident.pk else [],
        "note": resident.note,
    }


def _apply(resident: Resident, data: ResidentData, id_number: str, mobile: str) -> None:
    resident.name = data.name.strip()
    resident.gender = data.gender
    resident.birth_date = data.birth_date
    resident.household = data.household
    resident.community_id = data.household.community_id
    resident.relation = data.relation
    if data.status != resident.status or resident.pk is None:
        # The retention period of a resident who moved out or died runs from this moment.
        resident.status_changed_at = timezone.now()
    resident.status = data.status
    resident.note = data.note
    if id_number != resident.id_number:
        resident.set_id_number(id_number)
    if mobile != resident.mobile:
        resident.set_mobile(mobile)


def _save(resident: Resident) -> None:
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # a concurrent writer registered the same ID number
        raise ValidationError(
            {"id_number": [_("Another resident in the register has this ID number.")]}
        ) from exc


@transaction.atomic
def resident_create(*, actor, data: ResidentData) -> Resident:
    _require_edit_scope(actor, data.household)
    id_number, mobile = _validate(data, instance=None)
    resident = Resident()
    _apply(resident, data, id_number, mobile)
    _save(resident)
    resident.tags.set(list(data.tags))
    audit.record(
        actor=actor,
        action="create",
        obj=resident,
        changes=audit.diff({}, _state(resident)),
    )
    return resident


@transaction.atomic
def resident_update(*, actor, resident: Resident, data: ResidentData) -> Resident:
    _require_edit_scope(actor, resident.household)
    if resident.anonymised_at is not None:
        raise ValidationError(_("This resident is anonymised: the record can no longer change."))
    _require_edit_scope(actor, data.household)
    before = _state(resident)
    id_number, mobile = _validate(data, instance=resident)
    _apply(resident, data, id_number, mobile)
    _save(resident)
    resident.tags.set(list(data.tags))
    changes = audit.diff(before, _state(resident))
    if changes:
        audit.record(actor=actor, action="update", obj=resident, changes=changes)
    return resident


def resident_reveal(*, actor, resident: Resident, field: str) -> str:
    """The unmasked value of `field`, for a role that may see it; the reveal is logged."""
    if field not in {"id_number", "mobile"}:
        raise ValueError(field)
    if not covers_household(actor, Capability.REVEAL_PERSONAL, resident.household):
        raise PermissionDenied
    audit.record(actor=actor, action="reveal", obj=resident, detail=field)
    return getattr(resident, field)


@transaction.atomic
def consent_grant(*, actor, resident: Resident, purpose: str, given_by: Resident | None = None):
    existing = Consent.objects.select_for_update().filter(
        resident=resident, purpose=purpose, withdrawn_at__isnull=True
    )
    if existing.exists():
        return existing.get()
    if resident.age < 14 and given_by is None:
        raise ValidationError(
            {"given_by": [_("A guardian must give consent for a child under 14.")]}
        )
    consent = Consent.objects.create(
        resident=resident, purpose=purpose, recorded_by=actor, given_by=given_by
    )
    audit.record(actor=actor, action="grant", obj=resident, detail=f"consent:{purpose}")
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> Consent:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor, action="revoke", obj=consent.resident, detail=f"consent:{consent.purpose}"
        )
    return consent


def resident_validate(*, actor, data: ResidentData, instance: Resident | None = None) -> None:
    """Every check `resident_create`/`resident_update` make, without saving: for forms.

    Raises ValidationError with field errors; the services repeat the checks inside their
    transaction, so a form that passed may still be refused (e.g. a concurrent duplicate).
    """
    errors: dict[str, list[str]] = {}
    for household in {instance.household, data.household} if instance else {data.household}:
        try:
            _require_edit_scope(actor, household)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        _validate(data, instance=instance)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


ADULT_AGE = 18


@transaction.atomic
def guardian_add(*, actor, minor: Resident, guardian: Resident, relation: str) -> Guardian:
    """Links a guardian to a minor; the guardian must be an adult and the minor under 18."""
    _require_edit_scope(actor, minor.household)
    errors: dict[str, list[str]] = {}
    if minor.age >= ADULT_AGE:
        errors["minor"] = [_("Only a resident under 18 can have a guardian.")]
    if guardian.pk == minor.pk:
        errors["guardian"] = [_("A resident cannot be their own guardian.")]
    elif guardian.age < ADULT_AGE:
        errors["guardian"] = [_("A guardian must be 18 or older.")]
    elif Guardian.objects.filter(minor=minor, guardian=guardian).exists():
        errors["guardian"] = [_("This person is already a guardian of this resident.")]
    if not relation.strip():
        errors["relation"] = [_("Please say how the guardian is related (e.g. mother).")]
    if errors:
        raise ValidationError(errors)
    link = Guardian.objects.create(minor=minor, guardian=guardian, relation=relation.strip())
    audit.record(
        actor=actor,
        action="create",
        obj=minor,
        changes={"guardian": [None, str(guardian.uuid)], "relation": [None, link.relation]},
        detail="guardian",
    )
    return link


# --- residents' rights (PIPL): access, withdrawal, correction, anonymisation ---------------


def personal_data_access_record(*, actor, resident: Resident | None, kind: str) -> None:
    """Logs that `actor` saw (kind "view") or downloaded ("json", "xlsx") their own data.

    The page and the files show the person's own ID and mobile numbers in full: a view is
    logged as a reveal of them, a download as an export.
    """
    obj = resident if resident is not None else actor
    if kind == "view":
        if resident is not None:
            audit.record(actor=actor, action="reveal", obj=obj, detail="self:id_number,mobile")
        return
    audit.record(actor=actor, action="export", obj=obj, detail=f"self:personal data ({kind})")


def consent_withdraw_by_resident(*, actor, consent: Consent) -> Consent:
    """A resident withdraws their own consent, or a guardian one of a ward under 14."""
    from silin.people.permissions import may_withdraw_consent

    if not may_withdraw_consent(actor, consent):
        raise PermissionDenied
    return consent_withdraw(actor=actor, consent=consent)


CORRECTABLE_CHOICES = {
    CorrectionRequest.Field.GENDER: Resident.Gender.values,
    CorrectionRequest.Field.RELATION: Resident.Relation.values,
}


def _clean_requested_value(resident: Resident, field: str, value: str) -> str:
    """The requested value normalised, or a ValidationError on `value`."""
    value = value.strip()
    if not value:
        raise ValidationError({"value": [_("Please say what it should say.")]})
    if field in CORRECTABLE_CHOICES and value not in CORRECTABLE_CHOICES[field]:
        raise ValidationError({"value": [_("Please choose one of the options.")]})
    if field == CorrectionRequest.Field.BIRTH_DATE:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(
                {"value": [_("Please write the date as year-month-day, e.g. 1946-03-12.")]}
            ) from exc
        if day > timezone.localdate():
            raise ValidationError({"value": [_("The date of birth is in the future.")]})
    if field == CorrectionRequest.Field.MOBILE:
        value, errors = check_mobile(value)
        if errors:
            raise ValidationError({"value": errors["mobile"]})
    if field == CorrectionRequest.Field.ID_NUMBER:
        value, errors = check_id_number(value, birth_date=None, gender="")
        if errors:
            raise ValidationError({"value": errors["id_number"]})
    return value


@transaction.atomic
def correction_request_create(
    *, actor, field: str, value: str, note: str = ""
) -> CorrectionRequest:
    """A resident asks the community to correct one field of their own record."""
    resident = getattr(actor, "resident", None)
    if resident is None or resident.anonymised_at is not None:
        raise PermissionDenied
    if field not in CorrectionRequest.Field.values:
        raise ValidationError({"field": [_("Please choose what to correct.")]})
    clean = _clean_requested_value(resident, field, value)
    waiting = CorrectionRequest.objects.filter(
        resident=resident, field=field, status=CorrectionRequest.Status.OPEN
    )
    if waiting.exists():
        raise ValidationError(
            {"field": [_("You already asked to correct this. Please wait for the answer.")]}
        )
    request = CorrectionRequest(
        resident=resident,
        community_id=resident.community_id,
        field=field,
        note=note.strip()[:300],
        requested_by=actor,
    )
    request.set_requested_value(clean)
    request.save()
    audit.record(actor=actor, action="create", obj=request, detail=f"correction:{field}")
    return request


def _data_from(resident: Resident) -> ResidentData:
    return ResidentData(
        name=resident.name,
        gender=resident.gender,
        birth_date=resident.birth_date,
        household=resident.household,
        relation=resident.relation,
        status=resident.status,
        id_number=resident.id_number,
        mobile=resident.mobile,
        tags=list(resident.tags.all()),
        note=resident.note,
    )


def _require_open_in_scope(actor, request: CorrectionRequest) -> None:
    if not covers_household(actor, Capability.EDIT_REGISTER, request.resident.household):
        raise PermissionDenied
    if request.status != CorrectionRequest.Status.OPEN:
        raise ValidationError(_("This request has already been decided."))


def correction_request_reveal(*, actor, request: CorrectionRequest) -> None:
    """Logs that a worker saw a requested (and the current) ID or mobile number unmasked."""
    if not covers_household(actor, Capability.REVEAL_PERSONAL, request.resident.household):
        raise PermissionDenied
    audit.record(
        actor=actor, action="reveal", obj=request.resident, detail=f"correction:{request.field}"
    )


def _notify_resident(request: CorrectionRequest) -> None:
    """Tells the resident the outcome, through silin.notifications when it is installed."""
    try:
        from silin.notifications.services import in_language_of, notification_send
    except ImportError:  # the status on the resident's "My data" page is the notice
        return
    from django.urls import reverse

    user = getattr(request.resident, "user", None)
    if user is None:
        return
    with in_language_of(user):
        if request.status == CorrectionRequest.Status.APPLIED:
            title = _("Your record is corrected")
        else:
            title = _("Your correction request was declined")
        body = _("%(field)s: %(status)s. %(reason)s") % {
            "field": request.get_field_display(),
            "status": request.get_status_display(),
            "reason": request.decline_reason,
        }
        notification_send(
            user=user,
            kind="people.correction",
            title=str(title),
            body=body.strip(),
            url=reverse("people:my-data"),
        )


def _decide(actor, request: CorrectionRequest, status: str, reason: str = "") -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decline_reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit.record(
        actor=actor,
        action="update",
        obj=request,
        changes={"status": [CorrectionRequest.Status.OPEN, status]},
        detail=f"correction:{request.field}",
    )
    transaction.on_commit(lambda: _notify_resident(request))


@transaction.atomic
def correction_request_apply(*, actor, request: CorrectionRequest) -> CorrectionRequest:
    """Writes the requested value through `resident_update` (so the register is checked
    and audited as any edit) and closes the request."""
    request = (
        CorrectionRequest.objects.select_for_update().select_related("resident").get(pk=request.pk)
    )
    _require_open_in_scope(actor, request)
    resident = request.resident
    data = _data_from(resident)
    value = request.requested_value
    if request.field == CorrectionRequest.Field.BIRTH_DATE:
        value = dt.date.fromisoformat(value)
    if request.field == CorrectionRequest.Field.ID_NUMBER:
        # The ID number states the birth date and sex: a corrected number corrects them too
        # (otherwise neither could ever be corrected alone, each disagreeing with the other).
        from silin.lib import idnumbers

        parsed = idnumbers.parse(value)
        data.birth_date, data.gender = parsed.birth_date, parsed.sex
    setattr(data, request.field, value)
    resident_update(actor=actor, resident=resident, data=data)
    _decide(actor, request, CorrectionRequest.Status.APPLIED)
    return request


@transaction.atomic
def correction_request_decline(
    *, actor, request: CorrectionRequest, reason: str
) -> CorrectionRequest:
    request = (
        CorrectionRequest.objects.select_for_update().select_related("resident").get(pk=request.pk)
    )
    _require_open_in_scope(actor, request)
    if not reason.strip():
        raise ValidationError({"reason": [_("Please tell the resident why.")]})
    _decide(actor, request, CorrectionRequest.Status.DECLINED, reason.strip()[:300])
    return request


ANONYMOUS_NAME = "已匿名居民 {code}"
ERASED_FIELDS = ("name", "birth_date", "id_number", "mobile", "note")


def anonymisation_due_on(resident: Resident) -> dt.datetime | None:
    """When `resident` may be anonymised; None while they still live here."""
    from django.conf import settings

    if resident.status == Resident.Status.LIVING or resident.status_changed_at is None:
        return None
    return resident.status_changed_at + dt.timedelta(days=settings.SILIN_RESIDENT_RETENTION_DAYS)


def _check_anonymisable(actor, resident: Resident, *, by_retention: bool) -> None:
    if actor is None and not by_retention:
        raise PermissionDenied
    if actor is not None and not covers_household(
        actor, Capability.ANONYMISE_RESIDENTS, resident.household
    ):
        raise PermissionDenied
    if resident.anonymised_at is not None:
        raise ValidationError(_("This resident is already anonymised."))
    due = anonymisation_due_on(resident)
    if due is None:
        raise ValidationError(_("Only a resident who has moved out or died can be anonymised."))
    if due > timezone.now():
        raise ValidationError(
            _("The retention period has not ended: this resident can be anonymised from %(date)s.")
            % {"date": timezone.localdate(due).isoformat()}
        )


@transaction.atomic
def resident_anonymise(*, actor, resident: Resident, by_retention: bool = False) -> Resident:
    """Erases a former resident's personal details once the retention period is over.

    Kept for statistics: gender, birth year, household (and so community), status and
    non-sensitive tags. Erased: name (replaced by a neutral label), exact birth date (now
    1 January of the birth year), ID and mobile numbers with their lookup hashes, the note,
    sensitive tags, guardian links, correction requests. The login account, if any, is
    detached from the record. The audit entry names the erased fields, not their values.
    `by_retention` lets `apply_retention` act without a user.
    """
    from silin.accounts.models import User

    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _check_anonymisable(actor, resident, by_retention=by_retention)
    resident.name = ANONYMOUS_NAME.format(code=resident.uuid.hex[:8].upper())
    resident.birth_date = resident.birth_date.replace(month=1, day=1)
    resident.id_number_encrypted = resident.id_number_hash = ""
    resident.mobile_encrypted = resident.mobile_hash = ""
    resident.note = ""
    resident.anonymised_at = timezone.now()
    resident.save()
    resident.tags.remove(*resident.tags.filter(sensitive=True))
    Guardian.objects.filter(Q(minor=resident) | Q(guardian=resident)).delete()
    Consent.objects.filter(given_by=resident).update(given_by=None)
    CorrectionRequest.objects.filter(resident=resident).delete()
    detached = User.objects.filter(resident=resident).update(resident=None)
    audit.record(
        actor=actor,
        action="update",
        obj=resident,
        changes={f: [audit.MASK, "erased"] for f in ERASED_FIELDS},
        detail="anonymised"
        + (" (retention)" if by_retention else "")
        + (" · account detached" if detached else ""),
    )
    return resident
