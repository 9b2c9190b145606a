"""The resident register: search, read, create, update and reveal, scoped to the actor.

Personal details leave the server masked; the unmasked value comes only from /reveal,
which checks the reveal capability and logs the read.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import NodeRef
from silin.core.roles import Capability
from silin.core.scoping import covers_household, scope_for
from silin.lib import phones
from silin.lib.crypto import lookup_hash
from silin.lib.dates import years_ago
from silin.people.models import Resident, Tag
from silin.people.place_api import router as place_router
from silin.people.services.residents import (
    ResidentData,
    resident_create,
    resident_reveal,
    resident_update,
)
from silin.places.models import Household

router = Router(tags=["people"])
# The household register (/households) under its own tag, as before it moved here.
router.add_router("", place_router, tags=["places"])

if TYPE_CHECKING:  # the type checker cannot read a Literal built from the choices
    Gender = str
    Relation = str
    ResidentStatus = str
else:  # ninja validates against, and documents, the choices themselves
    Gender = Literal[tuple(Resident.Gender.values)]
    Relation = Literal[tuple(Resident.Relation.values)]
    ResidentStatus = Literal[tuple(Resident.Status.values)]

# The default of a field of ResidentPatch: it was not sent. It is never validated, so the
# field's type stays non-nullable and a null that is sent is refused.
UNSENT: Any = None


# --- schemas ---------------------------------------------------------------------------------


class TagOut(Schema):
    code: str
    label: str


class HouseholdRef(Schema):
    uuid: UUID
    address: str

    @staticmethod
    def resolve_address(obj: Household) -> str:
        return obj.address_short


class ResidentOut(Schema):
    uuid: UUID
    name: str
    gender: str
    birth_date: dt.date
    age: int
    mobile_masked: str
    id_number_masked: str
    relation: str
    status: str
    household: HouseholdRef
    community: NodeRef
    compound: NodeRef
    tags: list[TagOut]
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_community(obj: Resident):
        return obj.household.community

    @staticmethod
    def resolve_compound(obj: Resident):
        return obj.household.compound

    @staticmethod
    def resolve_tags(obj: Resident) -> list[Tag]:
        return list(obj.tags.all())


class ResidentFilter(Schema):
    q: str | None = Field(
        None, max_length=50, description="The start of the name: a surname or a full name."
    )
    mobile: str | None = Field(None, max_length=20, description="The whole mobile number.")
    tag: str | None = Field(None, max_length=40, description="A tag code, e.g. gaoling.")
    community: UUID | None = None
    compound: UUID | None = None
    household: UUID | None = None
    status: ResidentStatus | None = None
    min_age: int | None = Field(None, ge=0, le=150, description="At least this old today.")


class ResidentIn(Schema):
    name: str = Field(max_length=50)
    gender: Gender
    birth_date: dt.date
    household: UUID = Field(description="A household in the area you look after.")
    relation: Relation = Resident.Relation.HEAD.value
    status: ResidentStatus = Resident.Status.LIVING.value
    id_number: str = Field("", max_length=30)
    mobile: str = Field("", max_length=20)
    tags: list[str] = Field(default_factory=list, description="Tag codes.")
    note: str = Field("", max_length=300)

    model_config = {"extra": "forbid"}


class ResidentPatch(Schema):
    """Only the fields sent change; null is not accepted (send "" to clear a text)."""

    name: str = Field(UNSENT, max_length=50)
    gender: Gender = UNSENT
    birth_date: dt.date = UNSENT
    household: UUID = UNSENT
    relation: Relation = UNSENT
    status: ResidentStatus = UNSENT
    id_number: str = Field(UNSENT, max_length=30)
    mobile: str = Field(UNSENT, max_length=20)
    tags: list[str] = UNSENT
    note: str = Field(UNSENT, max_length=300)

    model_config = {"extra": "forbid"}


class RevealIn(Schema):
    field: Literal["id_number", "mobile"]

    model_config = {"extra": "forbid"}


class RevealOut(Schema):
    field: str
    value: str


# --- helpers ---------------------------------------------------------------------------------


def _residents(actor):
    return (
        Resident.objects.visible_to(actor)
        .select_related("household__unit__building", "household__compound", "household__community")
        .prefetch_related("tags")
        .order_by("household_id", "id")
    )


def _apply_filters(qs, f: ResidentFilter):
    if f.q:
        qs = qs.name_starts_with(f.q)
    if f.mobile:
        qs = qs.filter(mobile_hash=lookup_hash(phones.normalise(f.mobile)))
    if f.tag:
        qs = qs.filter(tags__code=f.tag)
    if f.community:
        qs = qs.filter(community__uuid=f.community)
    if f.compound:
        qs = qs.filter(household__compound__uuid=f.compound)
    if f.household:
        qs = qs.filter(household__uuid=f.household)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.min_age is not None:
        qs = qs.filter(birth_date__lte=years_ago(timezone.localdate(), f.min_age))
    return qs


def _require_editor(actor) -> None:
    if scope_for(actor, Capability.EDIT_REGISTER).empty:
        raise PermissionDenied


def _household_in_scope(actor, household_uuid: UUID) -> Household:
    household = (
        Household.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .select_related("community", "compound", "unit__building")
        .filter(uuid=household_uuid)
        .first()
    )
    if household is None:
        raise ValidationError(
            {"household": [_("There is no such household in the area you look after.")]}
        )
    return household


def _tags(codes: list[str]) -> list[Tag]:
    wanted = sorted(set(codes))
    found = list(Tag.objects.filter(code__in=wanted))
    unknown = sorted(set(wanted) - {t.code for t in found})
    if unknown:
        raise ValidationError(
            {"tags": [_("Unknown tag: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return found


def _fetch(actor, resident_uuid: UUID) -> Resident:
    return get_object_or_404(_residents(actor), uuid=resident_uuid)


# --- endpoints -------------------------------------------------------------------------------


@router.get(
    "/residents",
    response={200: list[ResidentOut], **error_responses(422)},
    summary="Search the residents I may see",
)
@paginate(PageNumberPagination)
def resident_list(request, filters: Query[ResidentFilter]):
    qs = _apply_filters(_residents(request.auth), filters)
    return qs.distinct() if filters.tag else qs


@router.get(
    "/residents/{uuid:resident_uuid}",
    response={200: ResidentOut, **error_responses(404)},
    summary="One resident",
)
def resident_detail(request, resident_uuid: UUID):
    return _fetch(request.auth, resident_uuid)


@router.post(
    "/residents",
    response={201: ResidentOut, **error_responses(403, 422)},
    summary="Register a resident",
)
def resident_add(request, payload: ResidentIn):
    actor = request.auth
    _require_editor(actor)
    data = ResidentData(
        **payload.dict(exclude={"household", "tags"}),
        household=_household_in_scope(actor, payload.household),
        tags=_tags(payload.tags),
    )
    resident = resident_create(actor=actor, data=data)
    return Status(201, _fetch(actor, resident.uuid))


@router.patch(
    "/residents/{uuid:resident_uuid}",
    response={200: ResidentOut, **error_responses(403, 404, 422)},
    summary="Change a resident's record",
)
def resident_change(request, resident_uuid: UUID, payload: ResidentPatch):
    actor = request.auth
    resident = _fetch(actor, resident_uuid)
    if not covers_household(actor, Capability.EDIT_REGISTER, resident.household):
        raise PermissionDenied
    sent = payload.dict(exclude_unset=True)
    data = ResidentData(
        name=sent.get("name", resident.name),
        gender=sent.get("gender", resident.gender),
        birth_date=sent.get("birth_date", resident.birth_date),
        household=(
            _household_in_scope(actor, sent["household"])
            if "household" in sent
            else resident.household
        ),
        relation=sent.get("relation", resident.relation),
        status=sent.get("status", resident.status),
        id_number=sent.get("id_number", resident.id_number),
        mobile=sent.get("mobile", resident.mobile),
        tags=_tags(sent["tags"]) if "tags" in sent else list(resident.tags.all()),
        note=sent.get("note", resident.note),
    )
    resident_update(actor=actor, resident=resident, data=data)
    return _fetch(actor, resident_uuid)


@router.post(
    "/residents/{uuid:resident_uuid}/reveal",
    response={200: RevealOut, **error_responses(404, 422)},
    summary="Show one personal detail unmasked (logged)",
    description=(
        "Answers 404 to anyone who may not reveal this resident's details, exactly as for a "
        "resident they cannot see. Every reveal is written to the audit log."
    ),
)
def resident_reveal_field(request, resident_uuid: UUID, payload: RevealIn, response: HttpResponse):
    resident = _fetch(request.auth, resident_uuid)
    try:
        value = resident_reveal(actor=request.auth, resident=resident, field=payload.field)
    except PermissionDenied as exc:
        raise Http404 from exc
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}
