"""Reads of neighbour services, each scoped to the actor; a record out of reach is 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from silin.core.access import get_object_for_actor
from silin.core.roles import Capability
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import HelperProfile, HelpRequest, MatchingRun, Proposal, ServiceRecord
from silin.people.models import Resident
from silin.places.models import Community

if TYPE_CHECKING:
    from silin.accounts.models import User

S = HelpRequest.State
P = Proposal.State
# What a request's pages show of it, in one query.
REQUEST_RELATED = (
    "requester",
    "household__unit__building",
    "household__compound",
    "community__street",
    "helper__resident",
    "helper__user",
)
BOARD_LIMIT = 200
# Personal details the board never shows: left in the database.
SECRET = ("id_number_encrypted", "id_number_hash", "mobile_encrypted", "mobile_hash")


def _first(query: QuerySet, order: tuple[Any, ...], limit: int) -> QuerySet:
    """The first `limit` rows of `query` in `order`, chosen in a subquery of their keys
    before the rows are joined to their relations: the database joins `limit` rows, not
    every row it orders."""
    first = query.order_by(*order).values("pk")[:limit]
    return query.model.objects.filter(pk__in=first).order_by(*order)


def request_get(*, actor: User, uuid: object) -> HelpRequest:
    request = get_object_for_actor(HelpRequest.objects.select_related(*REQUEST_RELATED), uuid=uuid)
    if not perms.can_view_request(actor, request):
        raise Http404
    return request


def request_live_proposal(request: HelpRequest) -> Proposal | None:
    return (
        Proposal.objects.filter(request=request, state__in=[P.PROPOSED, P.CONFIRMED])
        .select_related("helper__resident")
        .first()
    )


def request_record(request: HelpRequest) -> ServiceRecord | None:
    return ServiceRecord.objects.filter(request=request).first()


def requests_of_resident(*, actor: User, resident: Resident, limit: int = 30) -> list[HelpRequest]:
    """A resident's requests, newest first (theirs, their proxy's, or a coordinator's view)."""
    if not perms.acts_for_resident(actor, resident):
        raise Http404
    return list(
        HelpRequest.objects.filter(requester=resident)
        .select_related("helper__resident", "service_record")
        .order_by("-window_start")[:limit]
    )


def coordinated_communities(*, actor: User) -> QuerySet[Community]:
    """The communities whose board the actor may open."""
    scope = perms.coordinator_scope(actor)
    if scope.empty:
        return Community.objects.none()
    return Community.objects.filter(scope.q(street="street_id", community="pk")).select_related(
        "street"
    )


def community_for_board(*, actor: User, uuid: object) -> Community:
    return get_object_for_actor(coordinated_communities(actor=actor), uuid=uuid)


@dataclass
class Board:
    community: Community
    proposed: list[Proposal]
    sent: list[Proposal]
    unmatched: list[HelpRequest]
    under_way: list[HelpRequest]
    to_confirm: list[ServiceRecord]
    last_run: MatchingRun | None
    helpers: int
    extra: dict[str, Any] = field(default_factory=dict)


def board(*, actor: User, community: Community, now: dt.datetime | None = None) -> Board:
    """The coordinator's matching board, in a fixed number of queries whatever the rows."""
    now = now or timezone.now()
    if not perms.coordinates_community(actor, community):
        raise Http404
    # The live proposals are few (the partial unique index on them finds them): joined
    # in one query. The requests a community has waiting can be thousands: `_first`.
    proposals = list(
        Proposal.objects.filter(request__community=community, state__in=[P.PROPOSED, P.CONFIRMED])
        .select_related(
            "request__requester", "request__household__unit__building", "helper__resident"
        )
        .defer(
            *(f"{who}__{f}" for who in ("request__requester", "helper__resident") for f in SECRET)
        )
        .order_by(HelpRequest.urgency_rank("request__"), "request__window_start")[:BOARD_LIMIT]
    )
    waiting = HelpRequest.objects.filter(
        community=community, state__in=[S.OPEN, S.ACCEPTED, S.IN_PROGRESS]
    ).filter(Q(state__in=[S.ACCEPTED, S.IN_PROGRESS]) | Q(window_end__gt=now))
    requests = list(
        _first(waiting, (HelpRequest.urgency_rank(), "window_start", "pk"), BOARD_LIMIT)
        .select_related("requester", "household__unit__building", "helper__resident")
        .defer(*(f"{who}__{f}" for who in ("requester", "helper__resident") for f in SECRET))
    )
    to_confirm = list(
        ServiceRecord.objects.filter(community=community, state=ServiceRecord.State.PENDING)
        .select_related("recipient", "helper__resident")
        .defer(*(f"{who}__{f}" for who in ("recipient", "helper__resident") for f in SECRET))
        .order_by("checked_out_at")[:BOARD_LIMIT]
    )
    return Board(
        community=community,
        proposed=[p for p in proposals if p.state == P.PROPOSED],
        sent=[p for p in proposals if p.state == P.CONFIRMED],
        unmatched=[r for r in requests if r.state == S.OPEN],
        under_way=[r for r in requests if r.state != S.OPEN],
        to_confirm=to_confirm,
        last_run=MatchingRun.objects.filter(community=community).first(),
        helpers=HelperProfile.objects.available().filter(community=community).count(),
    )


@dataclass
class HelperDesk:
    helper: HelperProfile
    asked: list[Proposal]
    mine: list[HelpRequest]
    nearby: list[HelpRequest]


NEARBY_LIMIT = 20


def helper_desk(*, actor: User, now: dt.datetime | None = None) -> HelperDesk | None:
    """ "I can help": what was sent to the helper, what they hold, and open needs near them
    (their compound first) that they have the skill for."""
    now = now or timezone.now()
    helper = perms.helper_of(actor)
    if helper is None:
        return None
    asked = list(
        Proposal.objects.filter(helper=helper, state=P.CONFIRMED)
        .select_related("request__household__unit__building", "request__requester")
        .order_by("request__window_start")
    )
    mine = list(
        HelpRequest.objects.filter(helper=helper, state__in=[S.ACCEPTED, S.IN_PROGRESS])
        .select_related("requester", "household__unit__building", "household__compound")
        .order_by("window_start")
    )
    nearby: list[HelpRequest] = []
    if helper.verified_at and not helper.paused and helper.skills:
        household = helper.resident.household
        nearby = list(
            HelpRequest.objects.filter(
                community_id=helper.community_id,
                state=S.OPEN,
                window_end__gt=now,
                kind__in=helper.skills,
            )
            .exclude(household_id=household.pk)
            .select_related("household__unit__building", "requester")
            .order_by("window_start")[: NEARBY_LIMIT * 3]
        )
        nearby.sort(
            key=lambda r: (
                r.household.unit_id != household.unit_id,
                r.household.unit.building_id != household.unit.building_id,
                r.household.compound_id != household.compound_id,
                r.window_start,
            )
        )
        nearby = nearby[:NEARBY_LIMIT]
    return HelperDesk(helper=helper, asked=asked, mine=mine, nearby=nearby)


def helpers_of_community(*, actor: User, community: Community) -> QuerySet[HelperProfile]:
    if not perms.coordinates_community(actor, community):
        raise Http404
    return (
        HelperProfile.objects.filter(community=community)
        .select_related("resident__household__unit__building", "user")
        .prefetch_related("teams")
        .order_by("verified_at", "resident__name")
    )


def helper_get(*, actor: User, uuid: object) -> HelperProfile:
    helper = get_object_for_actor(
        HelperProfile.objects.select_related("resident__household", "community", "user"),
        uuid=uuid,
    )
    own = perms.authenticated(actor) and actor.resident_id == helper.resident_id
    if not own and not perms.coordinates_community(actor, helper.community):
        raise Http404
    return helper


def residents_to_help(
    *, actor: User, community: Community, name: str, limit: int = 20
) -> list[Resident]:
    """Residents a coordinator or grid member may raise a request for, by name."""
    name = name.strip()
    if not name:
        return []
    return list(
        Resident.objects.visible_to(actor, Capability.EDIT_REGISTER)
        .filter(community=community, status=Resident.Status.LIVING)
        .name_starts_with(name)
        .select_related("household__unit__building", "household__compound")[:limit]
    )
