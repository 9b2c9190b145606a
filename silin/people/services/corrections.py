"""Corrections a resident asks for (PIPL art. 46), and the community's decision on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import covers_household
from silin.lib import idnumbers
from silin.notifications.kinds import Rendered
from silin.notifications.services import notification_send
from silin.people.models import CorrectionRequest, Resident
from silin.people.services.residents import ResidentData, resident_update
from silin.people.validation import check_id_number, check_mobile

if TYPE_CHECKING:
    from silin.accounts.models import User

# The kind of notice telling a resident how their request was decided (PeopleConfig.ready
# registers its renderer).
CORRECTION_NOTICE = "people.correction"

CORRECTABLE_CHOICES: dict[str, list[str]] = {
    CorrectionRequest.Field.GENDER: Resident.Gender.values,
    CorrectionRequest.Field.RELATION: Resident.Relation.values,
}


def _clean_requested_value(field: str, value: str) -> str:
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
        value, problems = check_mobile(value)
        if problems:
            raise ValidationError({"value": [p.message for p in problems]})
    if field == CorrectionRequest.Field.ID_NUMBER:
        value, problems = check_id_number(value, birth_date=None, gender="")
        if problems:
            raise ValidationError({"value": [p.message for p in problems]})
    return value


@transaction.atomic
def correction_request_create(
    *, actor: User, field: str, value: str, note: str = ""
) -> CorrectionRequest:
    """A resident asks the community to correct one field of their own record."""
    resident = getattr(actor, "resident", None)
    if resident is None or resident.anonymised_at is not None:
        raise PermissionDenied
    if field not in CorrectionRequest.Field.values:
        raise ValidationError({"field": [_("Please choose what to correct.")]})
    clean = _clean_requested_value(field, value)
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


def _require_open_in_scope(actor: User, request: CorrectionRequest) -> None:
    if not covers_household(actor, Capability.EDIT_REGISTER, request.resident.household):
        raise PermissionDenied
    if request.status != CorrectionRequest.Status.OPEN:
        raise ValidationError(_("This request has already been decided."))


def correction_request_reveal(*, actor: User, request: CorrectionRequest) -> None:
    """Logs that a worker saw a requested (and the current) ID or mobile number unmasked."""
    if not covers_household(actor, Capability.REVEAL_PERSONAL, request.resident.household):
        raise PermissionDenied
    audit.record(
        actor=actor, action="reveal", obj=request.resident, detail=f"correction:{request.field}"
    )


def _notify_resident(request: CorrectionRequest) -> None:
    """Tells the resident the outcome (the status on their "My data" page says it too)."""
    user = getattr(request.resident, "user", None)
    if user is None:
        return
    notification_send(
        user=user,
        kind=CORRECTION_NOTICE,
        params={
            "field": request.field,
            "status": request.status,
            "reason": request.decline_reason,
        },
    )


def render_correction_notice(params: Mapping[str, Any]) -> Rendered:
    """The outcome in the reader's language: the field and status from their codes; the
    reason as the worker wrote it."""
    if params["status"] == CorrectionRequest.Status.APPLIED:
        title = _("Your record is corrected")
    else:
        title = _("Your correction request was declined")
    body = _("%(field)s: %(status)s. %(reason)s") % {
        "field": CorrectionRequest.Field(params["field"]).label,
        "status": CorrectionRequest.Status(params["status"]).label,
        "reason": params.get("reason") or "",
    }
    return Rendered(title, body.strip(), reverse("people:my-data"))


def _decide(actor: User, request: CorrectionRequest, status: str, reason: str = "") -> None:
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
def correction_request_apply(*, actor: User, request: CorrectionRequest) -> CorrectionRequest:
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
        data.birth_date = dt.date.fromisoformat(value)
    elif request.field == CorrectionRequest.Field.ID_NUMBER:
        # The ID number states the birth date and sex: a corrected number corrects them too
        # (otherwise neither could ever be corrected alone, each disagreeing with the other).
        parsed = idnumbers.parse(value)
        data.id_number, data.birth_date, data.gender = value, parsed.birth_date, parsed.sex
    else:
        setattr(data, request.field, value)
    resident_update(actor=actor, resident=resident, data=data)
    _decide(actor, request, CorrectionRequest.Status.APPLIED)
    return request


@transaction.atomic
def correction_request_decline(
    *, actor: User, request: CorrectionRequest, reason: str
) -> CorrectionRequest:
    request = (
        CorrectionRequest.objects.select_for_update().select_related("resident").get(pk=request.pk)
    )
    _require_open_in_scope(actor, request)
    if not reason.strip():
        raise ValidationError({"reason": [_("Please tell the resident why.")]})
    _decide(actor, request, CorrectionRequest.Status.DECLINED, reason.strip()[:300])
    return request
