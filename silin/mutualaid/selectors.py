"""Reads of neighbour services, each scoped to the actor; a record out of reach is 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from silin.core.access import get_object_for_actor
from silin.core.paging import KeysFirstPaginator
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
# Personal details the board never shows: left in the database.
SECRET = ("id_number_encrypted", "id_number_hash", "mobile_encrypted", "mobile_hash")


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


BOARD_PAGE = 25  # rows of each section of the board a page shows


@dataclass
class Board:
    """The coordinator's board: each section a page of its rows, dicts of what the board
    shows (`Page.paginator.count` is the section's total), the last batch and the helpers
    available."""

    community: Community
    proposed: Page
    sent: Page
    unmatched: Page
    under_way: Page
    to_confirm: Page
    last_run: MatchingRun | None
    helpers: int
    extra: dict[str, Any] = field(default_factory=dict)


def live_proposals(*, actor: User, community: Community) -> QuerySet[Proposal]:
    """The community's proposed pairs and those sent to their helper, most urgent first."""
    if not perms.coordinates_community(actor, community):
        raise Http404
    return (
        Proposal.objects.filter(request__community=community, state__in=[P.PROPOSED, P.CONFIRMED])
        .select_related("request", "helper__resident")
        .only(
            *("uuid", "reasons", "state", "cost", "request_id", "helper_id", "request__uuid"),
            *("helper__uuid", "helper__resident_id", "helper__resident__name"),
        )
        .order_by(HelpRequest.urgency_rank("request__"), "request__window_start", "pk")
    )


def _page(query: QuerySet, number: str | None, count: int, *, keys_first: bool = False) -> Page:
    """One page of `query`, whose rows number `count` (core.paging)."""
    return KeysFirstPaginator(query, BOARD_PAGE, count=count, keys_first=keys_first).get_page(
        number
    )


def board(
    *,
    actor: User,
    community: Community,
    now: dt.datetime | None = None,
    pages: Mapping[str, str | None] | None = None,
) -> Board:
    """The coordinator's matching board. Each section is paged on its own (`pages` maps a
    section's name to its page number); the sections are counted in three aggregate
    queries and each page is one query (the open requests, which can be thousands, two:
    their keys sorted first), whatever the community holds."""
    now = now or timezone.now()
    pages = pages or {}
    if not perms.coordinates_community(actor, community):
        raise Http404
    # Rows as dicts of what the board shows: no model instances, no address, no personal
    # details (a page of a hundred rows builds in a few milliseconds).
    proposals = (
        Proposal.objects.filter(request__community=community)
        .values(
            "pk",
            "uuid",
            "reasons",
            request_uuid=F("request__uuid"),
            kind=F("request__kind"),
            urgency=F("request__urgency"),
            window_start=F("request__window_start"),
            requester_name=F("request__requester__name"),
            helper_name=F("helper__resident__name"),
        )
        .order_by(HelpRequest.urgency_rank("request__"), "request__window_start", "pk")
    )
    requests = (
        HelpRequest.objects.filter(community=community)
        .values(
            "pk",
            "uuid",
            "kind",
            "state",
            "urgency",
            "window_start",
            requester_name=F("requester__name"),
            helper_name=F("helper__resident__name"),
        )
        .order_by(HelpRequest.urgency_rank(), "window_start", "pk")
    )
    to_confirm = (
        ServiceRecord.objects.filter(community=community, state=ServiceRecord.State.PENDING)
        .values(
            "pk",
            "checked_out_at",
            recipient_name=F("recipient__name"),
            helper_name=F("helper__resident__name"),
        )
        .order_by("checked_out_at", "pk")
    )
    unmatched = Q(state=S.OPEN, window_end__gt=now)
    under_way = Q(state__in=[S.ACCEPTED, S.IN_PROGRESS])
    need_counts = HelpRequest.objects.filter(
        community=community, state__in=[S.OPEN, S.ACCEPTED, S.IN_PROGRESS]
    ).aggregate(unmatched=Count("pk", filter=unmatched), under_way=Count("pk", filter=under_way))
    pair_counts = Proposal.objects.filter(
        request__community=community, state__in=[P.PROPOSED, P.CONFIRMED]
    ).aggregate(
        proposed=Count("pk", filter=Q(state=P.PROPOSED)),
        sent=Count("pk", filter=Q(state=P.CONFIRMED)),
    )
    counts = need_counts | pair_counts | {"to_confirm": to_confirm.count()}
    return Board(
        community=community,
        proposed=_page(
            proposals.filter(state=P.PROPOSED), pages.get("proposed"), counts["proposed"]
        ),
        sent=_page(proposals.filter(state=P.CONFIRMED), pages.get("sent"), counts["sent"]),
        unmatched=_page(
            requests.filter(unmatched),
            pages.get("unmatched"),
            counts["unmatched"],
            keys_first=True,
        ),
        under_way=_page(requests.filter(under_way), pages.get("under_way"), counts["under_way"]),
        to_confirm=_page(to_confirm, pages.get("to_confirm"), counts["to_confirm"]),
        last_run=MatchingRun.objects.filter(community=community).first(),
        helpers=HelperProfile.objects.available().filter(community=community).count(),
    )


BOARD_SECTIONS = ("proposed", "sent", "unmatched", "under_way", "to_confirm")


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
