"""Reads of the register, always starting from what the actor may see."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from silin.core.roles import Capability
from silin.lib import crypto, phones
from silin.people.models import Consent, CorrectionRequest, Guardian, Resident, Tag
from silin.places.models import Building, Community, Compound, Household

AGE_BANDS = {"60": 60, "80": 80}
# From 14 a resident decides for themselves (PIPL art. 31): a child's missing mobile is no gap.
ADULT_CONTACT_AGE = 14
FOLLOW_UP_NO_MOBILE = "no_mobile"
FOLLOW_UP_NO_CONSENT = "no_consent"
FOLLOW_UPS = (FOLLOW_UP_NO_MOBILE, FOLLOW_UP_NO_CONSENT)


def follow_up_filter(residents: QuerySet[Resident], kind: str) -> QuerySet[Resident]:
    """Residents whose record needs a follow-up of `kind` (one of FOLLOW_UPS)."""
    if kind == FOLLOW_UP_NO_MOBILE:
        adult = _born_on_or_before(ADULT_CONTACT_AGE)
        return residents.filter(mobile_encrypted="", birth_date__lte=adult)
    if kind == FOLLOW_UP_NO_CONSENT:
        sensitive_tag = Resident.tags.through.objects.filter(
            resident_id=OuterRef("pk"), tag__sensitive=True
        )
        consent = Consent.objects.filter(
            resident_id=OuterRef("pk"),
            purpose=Consent.Purpose.SENSITIVE_TAGS,
            withdrawn_at__isnull=True,
        )
        return residents.filter(Exists(sensitive_tag), ~Exists(consent))
    return residents.none()


def parse_uuid(value) -> uuid_lib.UUID | None:
    if not value:
        return None
    try:
        return uuid_lib.UUID(str(value))
    except ValueError:
        return None


def _born_on_or_before(years: int) -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class ResidentFilters:
    name: str = ""
    mobile: str = ""
    community: str = ""
    compound: str = ""
    building: str = ""
    household: str = ""
    tag: str = ""
    status: str = ""
    age_band: str = ""
    follow_up: str = ""  # FOLLOW_UP_NO_MOBILE or FOLLOW_UP_NO_CONSENT: living residents only


def _filter_place(qs: QuerySet, filters: ResidentFilters) -> QuerySet:
    for key, path in (
        ("household", "household__uuid"),
        ("building", "household__unit__building__uuid"),
        ("compound", "household__compound__uuid"),
        ("community", "community__uuid"),
    ):
        value = parse_uuid(getattr(filters, key))
        if value is not None:
            return qs.filter(**{path: value})
    return qs


def resident_list(*, actor, filters: ResidentFilters) -> QuerySet[Resident]:
    """The register as the actor may see it, filtered; the page's query count is fixed."""
    qs = Resident.objects.visible_to(actor)
    if filters.name.strip():
        qs = qs.name_starts_with(filters.name)
    if filters.mobile.strip():
        # Exact match on the keyed hash: numbers are never decrypted to search.
        qs = qs.filter(mobile_hash=crypto.lookup_hash(phones.normalise(filters.mobile)))
    qs = _filter_place(qs, filters)
    if filters.tag:
        qs = qs.filter(tags__code=filters.tag)
    if filters.status in Resident.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.age_band in AGE_BANDS:
        qs = qs.filter(birth_date__lte=_born_on_or_before(AGE_BANDS[filters.age_band]))
    if filters.follow_up in FOLLOW_UPS:
        qs = follow_up_filter(qs.living(), filters.follow_up)
    return qs.select_related(
        "household__unit__building", "household__compound", "household__community"
    ).prefetch_related("tags")


def resident_filter_choices(*, actor, filters: ResidentFilters) -> dict:
    """The place selects of the register, each level narrowed by the one above it."""
    communities = Community.objects.visible_to(actor, Capability.VIEW_REGISTER).only("uuid", "name")
    compounds = Compound.objects.none()
    buildings = Building.objects.none()
    community = parse_uuid(filters.community)
    compound = parse_uuid(filters.compound)
    if community:
        compounds = (
            Compound.objects.visible_to(actor, Capability.VIEW_REGISTER)
            .filter(community__uuid=community)
            .only("uuid", "name")
        )
    if compound:
        buildings = (
            Building.objects.visible_to(actor, Capability.VIEW_REGISTER)
            .filter(compound__uuid=compound)
            .only("uuid", "number")
        )
    return {
        "communities": communities,
        "compounds": compounds,
        "buildings": buildings,
        "tags": Tag.objects.all(),
    }


def resident_get(*, actor, uuid) -> Resident:
    """A resident the actor may open: in their register scope, or their own record."""
    value = parse_uuid(uuid)
    resident = (
        Resident.objects.select_related(
            "household__unit__building", "household__compound", "household__community__street"
        )
        .filter(uuid=value)
        .first()
        if value
        else None
    )
    if resident is None or not actor.has_perm("people.view_resident", resident):
        raise Http404
    return resident


def resident_detail_related(*, resident: Resident) -> dict:
    """Tags, guardians, wards and consents of one resident, each in one query."""
    return {
        "tags": list(resident.tags.all()),
        "guardians": list(
            Guardian.objects.filter(minor=resident).select_related("guardian__household")
        ),
        "wards": list(Guardian.objects.filter(guardian=resident).select_related("minor")),
        "consents": list(
            Consent.objects.filter(resident=resident).select_related("given_by", "recorded_by")
        ),
    }


def guardian_candidates(*, actor, minor: Resident) -> QuerySet[Resident]:
    """Adults living in the minor's household, the usual guardians."""
    return (
        Resident.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .filter(household_id=minor.household_id, birth_date__lte=_born_on_or_before(18))
        .exclude(pk=minor.pk)
        .living()
    )


def resident_find_by_id_number(*, actor, id_number: str) -> Resident | None:
    from silin.lib import idnumbers

    digest = crypto.lookup_hash(idnumbers.normalise(id_number))
    return Resident.objects.visible_to(actor).filter(id_number_hash=digest).first()


def building_options(*, actor) -> QuerySet[Building]:
    """Buildings the actor may register someone in."""
    return (
        Building.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .select_related("compound")
        .order_by("compound__name", "number")
    )


def household_options(*, actor) -> QuerySet[Household]:
    """Households the actor may register someone in."""
    return (
        Household.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .select_related("unit__building", "compound")
        .order_by("compound__name", "unit__building__number", "unit__number", "floor", "door")
    )


def consent_get(*, actor, resident: Resident, uuid) -> Consent:
    value = parse_uuid(uuid)
    consent = Consent.objects.filter(resident=resident, uuid=value).first() if value else None
    if consent is None:
        raise Http404
    consent.resident = resident
    return consent


@dataclass(frozen=True)
class TagBadge:
    label: str
    sensitive: bool


@dataclass(frozen=True)
class ResidentRow:
    """What a register row shows, computed once: the page renders it as a table row and as
    a phone card, and the register lists up to 25 of them at street scale."""

    uuid: str
    name: str
    address: str
    relation: str
    age: int
    gender: str
    status: str
    mobile_masked: str
    tags: tuple[TagBadge, ...]
    can_open: bool


def resident_rows(residents, *, can_open=lambda resident: True) -> list[ResidentRow]:
    """Display rows for residents loaded by `resident_list` or `household_members`."""
    today = timezone.localdate()
    rows = []
    for r in residents:
        household = r.household
        rows.append(
            ResidentRow(
                uuid=str(r.uuid),
                name=r.name,
                address=f"{household.community.name} · {household.address_short}",
                relation=r.get_relation_display(),
                age=r.age_on(today),
                gender=r.get_gender_display(),
                status=r.get_status_display(),
                mobile_masked=r.mobile_masked,
                tags=tuple(TagBadge(t.label, t.sensitive) for t in r.tags.all()),
                can_open=can_open(r),
            )
        )
    return rows


# --- residents' rights (PIPL) --------------------------------------------------------------


def my_data_for(*, actor):
    """Every section held on the signed-in person: always the actor's own data, never
    anyone else's (there is no parameter naming whose data to show)."""
    from silin.core import personal_data

    resident = None
    if actor.resident_id:
        resident = (
            Resident.objects.select_related(
                "household__unit__building",
                "household__compound",
                "household__community__street",
            )
            .prefetch_related("tags")
            .get(pk=actor.resident_id)
        )
    subject = personal_data.Subject(user=actor, resident=resident)
    return subject, personal_data.collect(subject)


def my_consent_get(*, actor, uuid) -> Consent:
    """A consent the actor may withdraw (their own, or a young ward's); otherwise 404."""
    value = parse_uuid(uuid)
    consent = (
        Consent.objects.select_related("resident").filter(uuid=value).first() if value else None
    )
    if consent is None or not actor.has_perm("people.withdraw_consent", consent):
        raise Http404
    return consent


@dataclass(frozen=True)
class CorrectionFilters:
    status: str = "open"
    field: str = ""
    community: str = ""


def correction_request_list(*, actor, filters: CorrectionFilters) -> QuerySet[CorrectionRequest]:
    """Correction requests of residents the actor may correct, newest first."""
    qs = CorrectionRequest.objects.visible_to(actor)
    if filters.status in CorrectionRequest.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.field in CorrectionRequest.Field.values:
        qs = qs.filter(field=filters.field)
    community = parse_uuid(filters.community)
    if community:
        qs = qs.filter(community__uuid=community)
    return qs.select_related(
        "resident__household__unit__building", "resident__household__compound", "community"
    )


def correction_request_get(*, actor, uuid) -> CorrectionRequest:
    value = parse_uuid(uuid)
    request = (
        CorrectionRequest.objects.visible_to(actor)
        .select_related(
            "resident__household__unit__building",
            "resident__household__compound",
            "resident__household__community__street",
            "community",
            "decided_by",
        )
        .filter(uuid=value)
        .first()
        if value
        else None
    )
    if request is None:
        raise Http404
    return request


def correction_communities(*, actor) -> QuerySet[Community]:
    return Community.objects.visible_to(actor, Capability.EDIT_REGISTER).only("uuid", "name")


def residents_due_for_anonymisation(*, actor) -> QuerySet[Resident]:
    """Former residents the actor may anonymise whose retention period is over."""
    from django.conf import settings

    cutoff = timezone.now() - dt.timedelta(days=settings.SILIN_RESIDENT_RETENTION_DAYS)
    return (
        Resident.objects.visible_to(actor, Capability.ANONYMISE_RESIDENTS)
        .exclude(status=Resident.Status.LIVING)
        .filter(anonymised_at__isnull=True, status_changed_at__lte=cutoff)
        .select_related("household__unit__building", "household__compound", "community")
        .order_by("status_changed_at", "id")
    )
