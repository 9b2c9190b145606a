"""Pairings and visits over the API: the pairings I may see (my communities' as their
coordinator, my own as a helper), pairing two neighbours, ending a pairing, logging a
visit, and the overdue list of neighbours living alone.

Scope as on the pages: a pairing the caller may not see answers 404, and so do pairing and
the overdue list for someone who coordinates no community. Refused input (a helper of the
same household, not verified, paired already, a frequency outside 1–90 days, a visit ahead
of time or twice) answers 422 with the one error schema, in the caller's language.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
import datetime as dt
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from silin.core.access import get_object_for_actor
from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import Input, NodeRef
from silin.mutualaid import selectors_pairings as sel
from silin.mutualaid.models import Pairing
from silin.mutualaid.services import pairings
from silin.mutualaid.services.common import MutualAidError

router = Router(tags=["mutual aid"])

KINDS = ", ".join(Pairing.Kind.values)
OVERDUE_MAX = 500


class PersonRef(Schema):
    uuid: UUID
    name: str


class PairingOut(Schema):
    uuid: UUID
    kind: str = Field(description=f"One of {KINDS}.")
    community: NodeRef
    helper: PersonRef = Field(description="The helper (their helper profile's uuid).")
    helper_has_login: bool = Field(description="False: a worker logs this helper's visits.")
    resident: PersonRef = Field(description="The neighbour visited (the register's uuid).")
    every_days: int
    started_on: dt.date
    ended_on: dt.date | None
    last_visit_at: dt.datetime | None
    due_on: dt.date = Field(description="The last visit's day (or the start) + every_days.")
    days_overdue: int = Field(description="Days past `due_on`; 0 when not overdue.")

    @staticmethod
    def resolve_helper(obj) -> dict:
        return {"uuid": obj.helper.uuid, "name": obj.helper.resident.name}

    @staticmethod
    def resolve_helper_has_login(obj) -> bool:
        return obj.helper.user_id is not None

    @staticmethod
    def resolve_resident(obj) -> dict:
        return {"uuid": obj.resident.uuid, "name": obj.resident.name}

    @staticmethod
    def resolve_due_on(obj) -> dt.date:
        return sel.due_of(obj, timezone.localdate()).due_on

    @staticmethod
    def resolve_days_overdue(obj) -> int:
        return sel.due_of(obj, timezone.localdate()).days_overdue


class PairingIn(Input):
    helper: UUID = Field(description="A verified helper of the neighbour's community.")
    resident: UUID = Field(description="The neighbour to visit (the register's uuid).")
    kind: str = Field(Pairing.Kind.PAIRING, description=f"One of {KINDS}.")
    every_days: int = Field(7, description="A visit every 1 to 90 days.")
    started_on: dt.date | None = Field(None, description="Empty: today.")


class PairingFilter(Input):
    community: UUID | None = Field(None, description="Only this community's pairings.")
    include_ended: bool = Field(False, description="Also the pairings that ended.")


class EndIn(Input):
    on: dt.date | None = Field(None, description="The last day (empty: today).")


class VisitIn(Input):
    visited_at: dt.datetime | None = Field(
        None, description="When (empty: now); not ahead of time, not before the start."
    )
    all_well: bool = True
    note: str = Field("", max_length=200, description="What the helper noticed.")


class VisitOut(Schema):
    uuid: UUID
    pairing: UUID
    visited_at: dt.datetime
    all_well: bool
    note: str
    by_worker: bool = Field(description="Logged by a worker for a helper without a phone.")

    @staticmethod
    def resolve_pairing(obj) -> UUID:
        return obj.pairing.uuid


class OverdueRowOut(Schema):
    pairing: UUID
    community: NodeRef
    resident: PersonRef
    address: str
    helper: PersonRef
    kind: str
    every_days: int
    last_visit_on: dt.date | None = Field(description="Empty: never visited since the start.")
    due_on: dt.date
    days_overdue: int


class UnpairedOut(Schema):
    resident: PersonRef
    community: NodeRef
    address: str
    age: int


class OverdueOut(Schema):
    total: int = Field(description="Pairings overdue in all (`rows` holds the first `limit`).")
    rows: list[OverdueRowOut] = Field(description="Most overdue first.")
    unpaired_total: int = Field(description="Neighbours living alone with no live pairing.")
    unpaired: list[UnpairedOut] = Field(description="The oldest first.")


class OverdueFilter(Input):
    community: UUID | None = Field(None, description="Only this community (default: all mine).")
    limit: int = Field(100, ge=1, le=OVERDUE_MAX)


def _community(request, value: UUID | None):
    """One of the communities the caller coordinates (None: all); 404 for another."""
    communities = sel.coordinated_communities(request.auth)
    if not communities:
        raise Http404
    if value is None:
        return None
    for community in communities:
        if community.uuid == value:
            return community
    raise Http404


@router.get(
    "/mutualaid/pairings",
    response=list[PairingOut],
    summary="Pairings: my communities' (their coordinators) and my own (a helper)",
)
@paginate(PageNumberPagination)
def pairing_list(request, filters: Query[PairingFilter]):
    qs = sel.pairings_visible_to(request.auth)
    if filters.community is not None:
        qs = qs.filter(community__uuid=filters.community)
    if not filters.include_ended:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("community_id", "resident__name", "pk")


@router.post(
    "/mutualaid/pairings",
    response={201: PairingOut, **error_responses(403, 404, 422)},
    summary="Pair a helper with a neighbour to visit (the community's coordinators)",
)
def pairing_add(request, payload: PairingIn):
    actor = request.auth
    if not sel.coordinated_communities(actor):
        raise Http404
    resident = _resident(actor, payload.resident)
    helper = sel.helper_to_pair(actor=actor, community=resident.community, uuid=payload.helper)
    if helper is None:
        raise MutualAidError({"helper": [_("Choose a verified helper of this community.")]})
    pairing = pairings.pairing_create(
        actor=actor,
        helper=helper,
        resident=resident,
        kind=payload.kind,
        every_days=payload.every_days,
        started_on=payload.started_on,
    )
    return Status(201, get_object_for_actor(sel.pairings_visible_to(actor), pk=pairing.pk))


def _resident(actor, value: UUID):
    found = sel.resident_to_pair(actor=actor, uuid=value)
    if found is None:
        raise MutualAidError(
            {"resident": [_("This neighbour is not in a community you coordinate.")]}
        )
    return found


@router.post(
    "/mutualaid/pairings/{uuid:pairing_uuid}/end",
    response={200: PairingOut, **error_responses(403, 404, 422)},
    summary="End a pairing (the community's coordinators)",
)
def pairing_stop(request, pairing_uuid: UUID, payload: EndIn):
    pairing = sel.pairing_for_coordinator(actor=request.auth, uuid=pairing_uuid)
    if pairing is None:
        raise Http404
    return pairings.pairing_end(actor=request.auth, pairing=pairing, on=payload.on)


@router.post(
    "/mutualaid/pairings/{uuid:pairing_uuid}/visits",
    response={201: VisitOut, **error_responses(403, 404, 422)},
    summary="Log a visit (the helper; a worker for a helper without a phone)",
    description="Refused (422) ahead of time, before the pairing started, on an ended "
    "pairing, and within ten minutes of another visit on the same pairing.",
)
def visit_add(request, pairing_uuid: UUID, payload: VisitIn):
    pairing = get_object_for_actor(sel.pairings_visible_to(request.auth), uuid=pairing_uuid)
    visited_at = payload.visited_at
    if visited_at is not None and timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)  # read in the deployment's zone
    visit = pairings.visit_log(
        actor=request.auth,
        pairing=pairing,
        visited_at=visited_at,
        all_well=payload.all_well,
        note=payload.note,
    )
    return Status(201, visit)


@router.get(
    "/mutualaid/overdue",
    response={200: OverdueOut, **error_responses(404)},
    summary="The overdue list: neighbours living alone (独居) whose visit is late",
    description="Pairings whose last visit (or start) is older than their frequency, most "
    "overdue first; and, apart, those living alone whom no live pairing visits. The "
    "caller's communities as their coordinator (others: 404).",
)
def overdue_get(request, filters: Query[OverdueFilter]):
    community = _community(request, filters.community)
    found = sel.overdue_list(actor=request.auth, community=community, limit=filters.limit)
    return {
        "total": found.total,
        "rows": [_overdue_row(r) for r in found.rows],
        "unpaired_total": found.unpaired_total,
        "unpaired": [
            {
                "resident": {"uuid": r.uuid, "name": r.name},
                "community": r.community,
                "address": r.household.address_short,
                "age": r.age,
            }
            for r in found.unpaired
        ],
    }


def _overdue_row(row: sel.PairingDue) -> dict:
    p = row.pairing
    return {
        "pairing": p.uuid,
        "community": p.community,
        "resident": {"uuid": p.resident.uuid, "name": p.resident.name},
        "address": p.resident.household.address_short,
        "helper": {"uuid": p.helper.uuid, "name": p.helper.resident.name},
        "kind": p.kind,
        "every_days": p.every_days,
        "last_visit_on": row.last_visit_on,
        "due_on": row.due_on,
        "days_overdue": row.days_overdue,
    }
