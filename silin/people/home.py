"""What the register contributes to the home pages (registered in PeopleConfig.ready).

- a resident's own household and neighbourhood;
- for the workers of a community: its register in figures;
- to-dos: residents' correction requests (with the date they are due), former residents due
  for anonymisation, and two grouped data-quality follow-ups linking to the filtered
  register (adults with no mobile number, sensitive tags without their consent).

Counts are computed in the database, so a street of 200,000 residents costs the same few
queries as a test street.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from silin.core import home
from silin.core.home import Todo, Urgency
from silin.core.roles import Capability, Role
from silin.core.scoping import Scope, scope_for, scope_for_roles
from silin.lib.dates import years_ago
from silin.people import selectors
from silin.people.models import CorrectionRequest, Resident, Tag
from silin.people.selectors import FOLLOW_UP_NO_CONSENT, FOLLOW_UP_NO_MOBILE, follow_up_filter
from silin.places.models import Community, Household

if TYPE_CHECKING:
    from silin.accounts.models import User

# Roles that work the register of one community (or compound) day to day.
WORKER_ROLES = frozenset(
    {Role.COMMUNITY_WORKER, Role.SOCIAL_WORKER, Role.GRID_MEMBER, Role.COMMITTEE_MEMBER}
)


# --- a resident's own household -----------------------------------------------------------


@dataclass(frozen=True)
class HouseholdMember:
    name: str
    relation: str
    age: int
    mobile_masked: str
    is_me: bool


@dataclass(frozen=True)
class MyHousehold:
    address: str
    compound: Any
    community: Any
    street: Any
    members: list[HouseholdMember]


def my_household_for(*, actor: User) -> MyHousehold | None:
    """The actor's own household and its living members, details masked.

    A resident may always see what is held on their own household (PIPL), whatever roles
    they hold, so this reads from the actor's resident record rather than a jurisdiction.
    """
    resident_id = getattr(actor, "resident_id", None)
    if not resident_id:
        return None
    me = (
        Resident.objects.select_related(
            "household__unit__building", "household__compound", "household__community__street"
        )
        .filter(pk=resident_id)
        .first()
    )
    if me is None:
        return None
    household = me.household
    today = timezone.localdate()
    members = [
        HouseholdMember(
            name=r.name,
            relation=r.get_relation_display(),
            age=r.age_on(today),
            mobile_masked=r.mobile_masked,
            is_me=r.pk == me.pk,
        )
        for r in Resident.objects.living().filter(household_id=household.pk).order_by("id")
    ]
    return MyHousehold(
        address=household.address_short,
        compound=household.compound,
        community=household.community,
        street=household.community.street,
        members=members,
    )


def household_panel(actor: User) -> dict[str, Any] | None:
    household = my_household_for(actor=actor)
    return {"household": household} if household else None


# --- workers: the register of their communities --------------------------------------------


def worker_scope(actor: User) -> Scope:
    """Where the actor holds a worker role at a community or compound (not a street)."""
    return replace(scope_for_roles(actor, WORKER_ROLES), street_ids=frozenset(), everything=False)


def _worker_residents(actor: User) -> QuerySet[Resident] | None:
    scope = worker_scope(actor)
    if scope.empty:
        return None
    return (
        Resident.objects.visible_to(actor)
        .living()
        .filter(scope.q(community="community_id", compound="household__compound_id"))
    )


@dataclass
class CommunityCounts:
    community: Any
    residents: int = 0
    households: int = 0
    over_60: int = 0
    over_80: int = 0
    tags: list[tuple[Any, int]] = field(default_factory=list)


def register_counts_for(*, actor: User) -> list[CommunityCounts]:
    """Per community where the actor works: living residents, households, over-60s and
    over-80s and how many carry each tag. Four queries however many communities."""
    residents = _worker_residents(actor)
    if residents is None:
        return []
    scope = worker_scope(actor)
    today = timezone.localdate()
    rows = residents.values("community_id").annotate(
        total=Count("id"),
        over_60=Count("id", filter=Q(birth_date__lte=years_ago(today, 60))),
        over_80=Count("id", filter=Q(birth_date__lte=years_ago(today, 80))),
    )
    by_community: dict[int, dict[str, Any]] = {
        row["community_id"]: dict(row) for row in rows.order_by("community_id")
    }
    households = (
        Household.objects.visible_to(actor)
        .filter(scope.q(community="community_id", compound="compound_id"))
        .values("community_id")
        .annotate(n=Count("id"))
        .order_by("community_id")
    )
    household_counts = {row["community_id"]: row["n"] for row in households}
    tag_rows = list(
        Resident.tags.through.objects.filter(resident__in=residents)
        .values("resident__community_id", "tag_id")
        .annotate(n=Count("id"))
        .order_by("resident__community_id", "tag_id")
    )
    tags = {t.pk: t for t in Tag.objects.filter(pk__in={r["tag_id"] for r in tag_rows})}
    tag_counts: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    for r in tag_rows:
        tag_counts[r["resident__community_id"]].append((tags[r["tag_id"]], r["n"]))
    community_ids = set(scope.community_ids) | set(by_community) | set(household_counts)
    result = []
    for community in Community.objects.visible_to(actor).filter(pk__in=community_ids):
        row: dict[str, Any] = by_community.get(community.pk, {})
        result.append(
            CommunityCounts(
                community=community,
                residents=row.get("total", 0),
                households=household_counts.get(community.pk, 0),
                over_60=row.get("over_60", 0),
                over_80=row.get("over_80", 0),
                tags=sorted(tag_counts.get(community.pk, []), key=lambda t: t[0].order),
            )
        )
    return result


def register_panel(actor: User) -> dict[str, Any] | None:
    counts = register_counts_for(actor=actor)
    return {"register": counts} if counts else None


# --- to-dos -------------------------------------------------------------------------------


def _register_link(**params: str) -> str:
    return f"{reverse('people:resident-list')}?{urlencode(params)}"


def data_quality_todos(actor: User) -> list[Todo]:
    """Two grouped lines, each linking to the register filtered to the residents concerned:
    a sensitive tag held without its separate consent, and adults with no mobile number."""
    residents = _worker_residents(actor)
    if residents is None:
        return []
    counts = residents.aggregate(
        no_consent=Count("pk", filter=Q(pk__in=follow_up_filter(residents, FOLLOW_UP_NO_CONSENT))),
        no_mobile=Count("pk", filter=Q(pk__in=follow_up_filter(residents, FOLLOW_UP_NO_MOBILE))),
    )
    return [
        Todo(
            key="people.no_consent",
            label=ngettext(
                "%(count)s resident has a sensitive tag without the separate consent",
                "%(count)s residents have a sensitive tag without the separate consent",
                counts["no_consent"],
            )
            % {"count": counts["no_consent"]},
            url=_register_link(follow_up=FOLLOW_UP_NO_CONSENT),
            count=counts["no_consent"],
            urgency=Urgency.DATA_QUALITY,
            icon="shield-exclamation",
        ),
        Todo(
            key="people.no_mobile",
            label=ngettext(
                "%(count)s resident aged 14 or over has no mobile number on file",
                "%(count)s residents aged 14 or over have no mobile number on file",
                counts["no_mobile"],
            )
            % {"count": counts["no_mobile"]},
            url=_register_link(follow_up=FOLLOW_UP_NO_MOBILE),
            count=counts["no_mobile"],
            urgency=Urgency.DATA_QUALITY,
            icon="telephone-x",
        ),
    ]


def correction_due(asked_at: dt.datetime) -> dt.datetime:
    """When a correction request should have its answer (SILIN_CORRECTION_ANSWER_DAYS)."""
    return asked_at + dt.timedelta(days=settings.SILIN_CORRECTION_ANSWER_DAYS)


def rights_todos(actor: User) -> list[Todo]:
    """Open correction requests (due by the oldest one's answer date) and former residents
    due for anonymisation: two queries, none for users who may not decide them."""
    if scope_for(actor, Capability.EDIT_REGISTER).empty:
        return []
    todos = []
    open_requests = selectors.correction_request_list(
        actor=actor, filters=selectors.CorrectionFilters(status=CorrectionRequest.Status.OPEN)
    ).order_by("created_at", "id")
    oldest = list(open_requests[:2])
    if oldest:
        count = len(oldest) if len(oldest) < 2 else open_requests.count()
        # One request: straight to it; several: the list, oldest (soonest due) first.
        url = (
            reverse("people:correction-detail", args=[oldest[0].uuid])
            if count == 1
            else reverse("people:correction-list")
        )
        todos.append(
            Todo(
                key="people.corrections",
                label=ngettext(
                    "%(count)s resident asked to correct their record",
                    "%(count)s residents asked to correct their record",
                    count,
                )
                % {"count": count},
                url=url,
                count=count,
                urgency=Urgency.DEADLINE,
                due=correction_due(oldest[0].created_at),
                detail=oldest[0].resident.name if count == 1 else "",
                icon="person-check",
            )
        )
    if not scope_for(actor, Capability.ANONYMISE_RESIDENTS).empty:
        due = selectors.residents_due_for_anonymisation(actor=actor).count()
        todos.append(
            Todo(
                key="people.anonymisation",
                label=ngettext(
                    "%(count)s former resident is due for anonymisation",
                    "%(count)s former residents are due for anonymisation",
                    due,
                )
                % {"count": due},
                url=reverse("people:anonymisation-list"),
                count=due,
                urgency=Urgency.REQUEST,
                icon="eraser",
            )
        )
    return todos


def register() -> None:
    home.register_panel(
        "people.household",
        template="people/panels/_household.html",
        build=household_panel,
        order=25,
    )
    home.register_panel(
        "people.register", template="people/panels/_register.html", build=register_panel, order=70
    )
    home.register_todos("people.rights", rights_todos)
    home.register_todos("people.data_quality", data_quality_todos)
