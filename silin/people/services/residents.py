"""Registering and changing residents, their guardians, and logged reveals of their details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import covers_household
from silin.lib.crypto import lookup_hash
from silin.people.models import ADULT_AGE, Guardian, Resident, Tag
from silin.people.validation import check_id_number, check_mobile, field_errors
from silin.places.models import Household

if TYPE_CHECKING:
    from silin.accounts.models import User


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


def _require_edit_scope(actor: User, household: Household) -> None:
    """A ValidationError on `household` unless the actor may edit the register there."""
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
    id_number, id_problems = check_id_number(
        data.id_number, birth_date=data.birth_date, gender=data.gender
    )
    mobile, mobile_problems = check_mobile(data.mobile)
    for field, messages in field_errors([*id_problems, *mobile_problems]).items():
        errors.setdefault(field, []).extend(messages)
    if id_number and "id_number" not in errors:
        clash = Resident.objects.filter(id_number_hash=lookup_hash(id_number))
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["id_number"] = [_("Another resident in the register has this ID number.")]
    if errors:
        raise ValidationError(errors)
    return id_number, mobile


def _state(resident: Resident) -> dict[str, Any]:
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
def resident_create(*, actor: User, data: ResidentData) -> Resident:
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
def resident_update(*, actor: User, resident: Resident, data: ResidentData) -> Resident:
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


def resident_validate(*, actor: User, data: ResidentData, instance: Resident | None = None) -> None:
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


def resident_reveal(*, actor: User, resident: Resident, field: str) -> str:
    """The unmasked value of `field`, for a role that may see it; the reveal is logged."""
    if field not in {"id_number", "mobile"}:
        raise ValueError(field)
    if not covers_household(actor, Capability.REVEAL_PERSONAL, resident.household):
        raise PermissionDenied
    audit.record(actor=actor, action="reveal", obj=resident, detail=field)
    value: str = getattr(resident, field)
    return value


def personal_data_access_record(*, actor: User, resident: Resident | None, kind: str) -> None:
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


@transaction.atomic
def guardian_add(*, actor: User, minor: Resident, guardian: Resident, relation: str) -> Guardian:
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
