"""Writes to renewal records: how an idle site became a shared space (微更新, 老旧院落改造).

Each service checks the actor's MANAGE_SPACES scope over the record's place, validates,
saves in its own transaction and writes one audit entry with the changed fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.places.models import Community, Compound
from silin.spaces.models import RenewalRecord, Space

if TYPE_CHECKING:
    from silin.accounts.models import User

AUDITED_FIELDS = (
    "title",
    "community",
    "compound",
    "site_kind",
    "project_kind",
    "description",
    "started_on",
    "finished_on",
    "cost",
    "status",
    "space",
    "photo_before",
    "photo_after",
)
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
PHOTO_MAX_BYTES = 8 * 1024 * 1024
MAX_COST = Decimal("9999999999.99")


@dataclass
class RenewalData:
    title: str
    community: Community
    site_kind: str
    project_kind: str
    compound: Compound | None = None
    description: str = ""
    started_on: dt.date | None = None
    finished_on: dt.date | None = None
    cost: Decimal | None = None
    status: str = RenewalRecord.Status.PLANNED
    space: Space | None = None
    photo_before: File | None = None  # None: keep the photo there is
    photo_after: File | None = None


def may_manage_renewals_at(actor: User, *, community: Community, compound: Compound | None) -> bool:
    return scope_for(actor, Capability.MANAGE_SPACES).covers(
        street_id=community.street_id,
        community_id=community.pk,
        compound_id=compound.pk if compound else None,
    )


def _check_photo(photo: File | None, field: str, errors: dict[str, list[str]]) -> None:
    if photo is None:
        return
    if PurePath(photo.name or "").suffix.lower() not in PHOTO_SUFFIXES:
        errors[field] = [_("Please upload a photo as a JPEG, PNG or WebP file.")]
    elif photo.size and photo.size > PHOTO_MAX_BYTES:
        errors[field] = [_("The photo is larger than 8 MB; please upload a smaller one.")]


def _check_place(actor: User, data: RenewalData, errors: dict[str, list[str]]) -> None:
    if data.compound is not None and data.compound.community_id != data.community.pk:
        errors["compound"] = [_("This compound is not in the chosen community.")]
    elif not may_manage_renewals_at(actor, community=data.community, compound=data.compound):
        field = "compound" if data.compound is not None else "community"
        errors[field] = [_("This place is outside the area you look after.")]


def _check_space(data: RenewalData, errors: dict[str, list[str]]) -> None:
    opened = data.status == RenewalRecord.Status.OPENED
    if data.space is not None and data.space.community_id != data.community.pk:
        errors["space"] = [_("The space must be in the same community as the renewal.")]
    elif opened and data.space is None:
        errors["space"] = [_("Please choose the space this renewal became.")]
    elif data.space is not None and not opened:
        errors["status"] = [_("A renewal that became a space has the status “opened”.")]


def _check_dates_and_cost(data: RenewalData, errors: dict[str, list[str]]) -> None:
    if data.started_on and data.finished_on and data.finished_on < data.started_on:
        errors["finished_on"] = [_("The renewal cannot finish before it started.")]
    if data.cost is not None and not (Decimal(0) <= data.cost <= MAX_COST):
        errors["cost"] = [_("Please enter the cost in yuan as a number of zero or more.")]
    elif data.cost is not None and data.cost.as_tuple().exponent < -2:  # type: ignore[operator]
        errors["cost"] = [_("Please give the cost in yuan with at most two decimals.")]


def renewal_validate(*, actor: User, data: RenewalData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Please give the renewal a title.")]
    if data.site_kind not in RenewalRecord.SiteKind.values:
        errors["site_kind"] = [_("Please choose what kind of idle site it was.")]
    if data.project_kind not in RenewalRecord.ProjectKind.values:
        errors["project_kind"] = [_("Please choose the kind of project.")]
    if data.status not in RenewalRecord.Status.values:
        errors["status"] = [_("Please choose a status.")]
    _check_place(actor, data, errors)
    _check_space(data, errors)
    _check_dates_and_cost(data, errors)
    _check_photo(data.photo_before, "photo_before", errors)
    _check_photo(data.photo_after, "photo_after", errors)
    if errors:
        raise ValidationError(errors)


def _state(record: RenewalRecord) -> dict[str, Any]:
    state = audit.snapshot(record, AUDITED_FIELDS)
    state["community"] = str(record.community.uuid)
    state["compound"] = str(record.compound.uuid) if record.compound else None
    state["space"] = str(record.space.uuid) if record.space else None
    state["cost"] = str(record.cost) if record.cost is not None else None
    state["photo_before"] = record.photo_before.name or ""
    state["photo_after"] = record.photo_after.name or ""
    return state


def _apply(record: RenewalRecord, data: RenewalData) -> None:
    record.title = data.title.strip()
    record.community = data.community
    record.compound = data.compound
    record.site_kind = data.site_kind
    record.project_kind = data.project_kind
    record.description = data.description.strip()
    record.started_on = data.started_on
    record.finished_on = data.finished_on
    record.cost = data.cost
    record.status = data.status
    record.space = data.space
    if data.photo_before is not None:
        record.photo_before.save(data.photo_before.name or "", data.photo_before, save=False)
    if data.photo_after is not None:
        record.photo_after.save(data.photo_after.name or "", data.photo_after, save=False)


def renewal_create(*, actor: User, data: RenewalData) -> RenewalRecord:
    renewal_validate(actor=actor, data=data)
    with transaction.atomic():
        record = RenewalRecord()
        _apply(record, data)
        record.save()
        audit.record(
            actor=actor,
            action="create",
            obj=record,
            changes=audit.diff({}, _state(record)),
        )
    return record


def renewal_update(*, actor: User, record: RenewalRecord, data: RenewalData) -> RenewalRecord:
    # The actor must look after the place the record is in now, not only where it moves.
    if not may_manage_renewals_at(actor, community=record.community, compound=record.compound):
        raise ValidationError({"community": [_("This place is outside the area you look after.")]})
    renewal_validate(actor=actor, data=data)
    with transaction.atomic():
        record = RenewalRecord.objects.select_for_update().get(pk=record.pk)
        before = _state(record)
        _apply(record, data)
        record.save()
        changes = audit.diff(before, _state(record))
        if changes:
            audit.record(actor=actor, action="update", obj=record, changes=changes)
    return record


def renewal_open_as_space(*, actor: User, record: RenewalRecord, space: Space) -> RenewalRecord:
    """Marks the renewal as opened and links the space it became; the finishing date
    defaults to today when none was recorded."""
    data = RenewalData(
        title=record.title,
        community=record.community,
        compound=record.compound,
        site_kind=record.site_kind,
        project_kind=record.project_kind,
        description=record.description,
        started_on=record.started_on,
        finished_on=record.finished_on or timezone.localdate(),
        cost=record.cost,
        status=RenewalRecord.Status.OPENED,
        space=space,
    )
    if data.started_on and data.finished_on and data.finished_on < data.started_on:
        data.finished_on = data.started_on
    return renewal_update(actor=actor, record=record, data=data)
