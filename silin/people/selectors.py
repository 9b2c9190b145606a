"""Reads of the register, always starting from what the actor may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from silin.core import personal_data
from silin.core.access import get_object_for_actor
from silin.core.roles import Capability
from silin.lib import crypto, idnumbers, phones
from silin.lib.dates import years_ago
from silin.lib.http import parse_uuid
from silin.people.models import ADULT_AGE, Consent, CorrectionRequest, Guardian, Resident, Tag
from silin.places.models import Building, Community, Compound, Household, Street, Unit
from silin.places.selectors import related_count

if TYPE_CHECKING:
    from silin.accounts.models import User

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


def _born_on_or_before(years: int) -> dt.date:
    """The latest birth date of someone at least `years` old today."""
    return years_ago(timezone.localdate(), years)


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


def _filter_place(qs: QuerySet[Resident], filters: ResidentFilters) -> QuerySet[Resident]:
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


def resident_list(*, actor: User, filters: ResidentFilters) -> QuerySet[Resident]:
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
        qs = follow_up_filter(qs.filter(status=Resident.Status.LIVING), filters.follow_up)
    return qs.select_related(
        "household__unit__building", "household__compound", "household__community"
    ).prefetch_related("tags")


def resident_filter_choices(*, actor: User, filters: ResidentFilters) -> dict[str, QuerySet[Any]]:
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


def resident_get(*, actor: User, uuid: object) -> Resident:
    """A resident the actor may open: in their register scope, or their own record."""
    return get_object_for_actor(
        Resident.objects.select_related(
            "household__unit__building", "household__compound", "household__community__street"
        ),
        uuid=uuid,
        perm="people.view_resident",
        actor=actor,
    )


def resident_detail_related(*, resident: Resident) -> dict[str, list[Any]]:
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


def guardian_candidates(*, actor: User, minor: Resident) -> QuerySet[Resident]:
    """Adults living in the minor's household, the usual guardians."""
    return (
        Resident.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .filter(household_id=minor.household_id, birth_date__lte=_born_on_or_before(ADULT_AGE))
        .exclude(pk=minor.pk)
        .living()
    )


def resident_find_by_id_number(*, actor: User, id_number: str) -> Resident | None:
    digest = crypto.lookup_hash(idnumbers.normalise(id_number))
    return Resident.objects.visible_to(actor).filter(id_number_hash=digest).first()


def building_options(*, actor: User) -> QuerySet[Building]:
    """Buildings the actor may register someone in."""
    return (
        Building.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .select_related("compound")
        .order_by("compound__name", "number")
    )


def household_options(*, actor: User) -> QuerySet[Household]:
    """Households the actor may register someone in."""
    return (
        Household.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .select_related("unit__building", "compound")
        .order_by("compound__name", "unit__building__number", "unit__number", "floor", "door")
    )


def consent_get(*, resident: Resident, uuid: object) -> Consent:
    """One consent of `resident` (whom the caller already may open); otherwise 404."""
    consent = get_object_for_actor(Consent.objects.filter(resident=resident), uuid=uuid)
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


def _anyone(resident: Resident) -> bool:
    return True


def resident_rows(
    residents: Iterable[Resident], *, can_open: Callable[[Resident], bool] = _anyone
) -> list[ResidentRow]:
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


# --- the tree of places with who lives there (the places:* pages) ---------------------------


def _living_count(outer_field: str) -> Any:
    return related_count(Resident.objects.living(), outer_field)


def community_tree(*, actor: User) -> list[tuple[Street, list[Community]]]:
    """Streets with the communities the actor may see, each with its counts."""
    communities = (
        Community.objects.visible_to(actor)
        .select_related("street")
        .annotate(
            compound_count=related_count(Compound.objects.all(), "community"),
            household_count=related_count(Household.objects.all(), "community"),
            resident_count=_living_count("community"),
        )
        .order_by("street__name", "name")
    )
    grouped: dict[Street, list[Community]] = defaultdict(list)
    for community in communities:
        grouped[community.street].append(community)
    return list(grouped.items())


def compound_list_for_community(*, actor: User, community: Community) -> QuerySet[Compound]:
    return (
        Compound.objects.visible_to(actor)
        .filter(community=community)
        .annotate(
            building_count=related_count(Building.objects.all(), "compound"),
            household_count=related_count(Household.objects.all(), "compound"),
            resident_count=_living_count("household__compound"),
        )
        .order_by("name")
    )


def building_list_for_compound(*, actor: User, compound: Compound) -> QuerySet[Building]:
    return (
        Building.objects.visible_to(actor)
        .filter(compound=compound)
        .annotate(
            household_count=related_count(Household.objects.all(), "unit__building"),
            resident_count=_living_count("household__unit__building"),
        )
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("number")))
        .order_by("number")
    )


def unit_list_for_building(*, actor: User, building: Building) -> list[Unit]:
    """Units, each with `floors`: [(floor, [household, ...]), ...] from the top floor down."""
    households = Household.objects.annotate(resident_count=_living_count("household")).order_by(
        "-floor", "door"
    )
    units = list(
        Unit.objects.visible_to(actor)
        .filter(building=building)
        .prefetch_related(Prefetch("households", queryset=households))
        .order_by("number")
    )
    for unit in units:
        floors: dict[int, list[Household]] = defaultdict(list)
        for household in unit.households.all():
            floors[household.floor].append(household)
        unit.floors = list(floors.items())  # for the template
    return units


def household_members(*, household: Household) -> QuerySet[Resident]:
    return (
        Resident.objects.filter(household=household)
        .prefetch_related("tags")
        .order_by("status", "birth_date")
    )


# --- residents' rights (PIPL) --------------------------------------------------------------


def my_data_for(*, actor: User) -> tuple[personal_data.Subject, list[personal_data.Section]]:
    """Every section held on the signed-in person: always the actor's own data, never
    anyone else's (there is no parameter naming whose data to show)."""
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


def my_consent_get(*, actor: User, uuid: object) -> Consent:
    """A consent the actor may withdraw (their own, or a young ward's); otherwise 404."""
    return get_object_for_actor(
        Consent.objects.select_related("resident"),
        uuid=uuid,
        perm="people.withdraw_consent",
        actor=actor,
    )


@dataclass(frozen=True)
class CorrectionFilters:
    status: str = "open"
    field: str = ""
    community: str = ""


def correction_request_list(
    *, actor: User, filters: CorrectionFilters
) -> QuerySet[CorrectionRequest]:
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


def correction_request_get(*, actor: User, uuid: object) -> CorrectionRequest:
    return get_object_for_actor(
        CorrectionRequest.objects.visible_to(actor).select_related(
            "resident__household__unit__building",
            "resident__household__compound",
            "resident__household__community__street",
            "community",
            "decided_by",
        ),
        uuid=uuid,
    )


def correction_communities(*, actor: User) -> QuerySet[Community]:
    return Community.objects.visible_to(actor, Capability.EDIT_REGISTER).only("uuid", "name")


def residents_due_for_anonymisation(*, actor: User) -> QuerySet[Resident]:
    """Former residents the actor may anonymise whose retention period is over."""
    cutoff = timezone.now() - dt.timedelta(days=settings.SILIN_RESIDENT_RETENTION_DAYS)
    return (
        Resident.objects.visible_to(actor, Capability.ANONYMISE_RESIDENTS)
        .exclude(status=Resident.Status.LIVING)
        .filter(anonymised_at__isnull=True, status_changed_at__lte=cutoff)
        .select_related("household__unit__building", "household__compound", "community")
        .order_by("status_changed_at", "id")
    )
