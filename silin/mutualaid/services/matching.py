"""Matching helpers to needs: the batch run, the coordinator's confirmation, the helper's
answer, and a single pair chosen by hand.

`matching_run` reads a community's (or a street's) open requests and available helpers in
a fixed number of queries, hands them to the optimal assignment (`silin.mutualaid.matching`)
and writes one proposal per matched request with its reasons as codes. A coordinator
confirms a batch or single pairs; the helper then accepts (the request is theirs, and only
now do they see the door and the notes) or declines, which matches that request again
without them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.mutualaid import matching
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import HelperProfile, HelpRequest, MatchingRun, Proposal
from silin.mutualaid.models.helpers import Alliance
from silin.mutualaid.services import notices
from silin.mutualaid.services.common import MutualAidError
from silin.mutualaid.services.requests import (
    lock_request,
    request_params,
    set_state,
    tell_requester,
)

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.places.models import Community, Street

S = HelpRequest.State
P = Proposal.State
# A month's tasks: the requests a helper holds or did, and those sent to them to answer.
BUSY_STATES = (S.ACCEPTED, S.IN_PROGRESS, S.DONE)


def _place(row: dict[str, Any], prefix: str) -> matching.Place:
    return matching.Place(
        household=row[f"{prefix}household_id"],
        unit=row[f"{prefix}household__unit_id"],
        building=row[f"{prefix}household__unit__building_id"],
        compound=row[f"{prefix}household__compound_id"],
        community=row[f"{prefix}household__community_id"],
        floor=row[f"{prefix}household__floor"],
    )


def _place_fields(prefix: str) -> list[str]:
    return [
        f"{prefix}household_id",
        f"{prefix}household__unit_id",
        f"{prefix}household__unit__building_id",
        f"{prefix}household__compound_id",
        f"{prefix}household__community_id",
        f"{prefix}household__floor",
    ]


def local_window(
    start: dt.datetime, end: dt.datetime, tz: dt.tzinfo | None = None
) -> tuple[int, int, int] | None:
    """A request's window as (weekday, start minute, end minute) of local time (`tz`, by
    default the current time zone: pass it when converting many); None (any time) when it
    spans more than one day."""
    tz = tz or timezone.get_current_timezone()
    start, end = start.astimezone(tz), end.astimezone(tz)
    if end - start >= dt.timedelta(days=1):
        return None
    last = end - dt.timedelta(microseconds=1)
    if last.date() != start.date():
        return None
    return start.weekday(), start.hour * 60 + start.minute, end.hour * 60 + end.minute or 1440


def _month_start(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def helper_loads(helper_ids: Iterable[int], now: dt.datetime) -> dict[int, int]:
    """Tasks this month per helper: requests held or done, and those sent to them."""
    ids = list(helper_ids)
    month = _month_start(now)
    loads: dict[int, int] = defaultdict(int)
    held = (
        HelpRequest.objects.filter(
            helper_id__in=ids, state__in=BUSY_STATES, window_start__gte=month
        )
        .values("helper_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in held:
        loads[row["helper_id"]] += row["n"]
    sent = (
        Proposal.objects.filter(helper_id__in=ids, state=P.CONFIRMED)
        .values("helper_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in sent:
        loads[row["helper_id"]] += row["n"]
    return loads


def _shared_compounds(compound_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """For each compound, the other compounds of its courtyard alliances."""
    through = Alliance.compounds.through
    rows = list(
        through.objects.filter(
            alliance_id__in=through.objects.filter(compound_id__in=list(compound_ids)).values(
                "alliance_id"
            )
        ).values_list("alliance_id", "compound_id")
    )
    members: dict[int, set[int]] = defaultdict(set)
    for alliance_id, compound_id in rows:
        members[alliance_id].add(compound_id)
    shared: dict[int, set[int]] = defaultdict(set)
    for group in members.values():
        for compound_id in group:
            shared[compound_id] |= group - {compound_id}
    return {k: frozenset(v) for k, v in shared.items()}


@dataclass
class Pool:
    """What one batch matches: its needs and offers, read in a fixed number of queries."""

    needs: list[matching.Need]
    offers: list[matching.Offer]
    seconds: float


def _last_helpers(requester_ids: QuerySet) -> dict[int, int]:
    """Who helped each of `requester_ids` (a query of resident pks) last."""
    last: dict[int, int] = {}
    rows = (
        HelpRequest.objects.filter(requester_id__in=requester_ids, state__in=BUSY_STATES)
        .order_by("requester_id", "-window_start")
        .values_list("requester_id", "helper_id")
    )
    for requester_id, helper_id in rows:
        last.setdefault(requester_id, helper_id)
    return last


def read_pool(
    requests: Q,
    helpers: Q,
    now: dt.datetime,
    *,
    lock: bool = False,
    exclude: dict[int, set[int]] | None = None,
) -> Pool:
    """The open requests matching `requests` and the available helpers matching `helpers`
    (plus those of the requests' courtyard alliances) as the assignment's input."""
    start = time.perf_counter()
    open_requests = HelpRequest.objects.filter(requests, state=S.OPEN, window_end__gt=now)
    query = open_requests.order_by(HelpRequest.urgency_rank(), "window_start", "pk")
    if lock:
        query = query.select_for_update(of=("self",))
    rows = list(
        query.values("pk", "kind", "requester_id", "window_start", "window_end", *_place_fields(""))
    )
    shared = _shared_compounds({r["household__compound_id"] for r in rows})
    # The requesters go to the next query as a subquery: thousands of ids as parameters
    # cost more to send than the database spends finding them again.
    last = _last_helpers(open_requests.values("requester_id")) if rows else {}
    alliance_compounds = set().union(*shared.values()) if shared else set()
    helper_rows = list(
        HelperProfile.objects.available()
        .filter(helpers | Q(resident__household__compound_id__in=alliance_compounds))
        .values("pk", "skills", "availability", "monthly_cap", *_place_fields("resident__"))
    )
    loads = helper_loads((h["pk"] for h in helper_rows), now)
    tz = timezone.get_current_timezone()
    needs = [
        matching.Need(
            key=r["pk"],
            kind=r["kind"],
            place=_place(r, ""),
            window=local_window(r["window_start"], r["window_end"], tz),
            last_helper=last.get(r["requester_id"]),
            shared_compounds=shared.get(r["household__compound_id"], frozenset()),
        )
        for r in rows
    ]
    offers = [
        matching.Offer(
            key=h["pk"],
            place=_place(h, "resident__"),
            skills=frozenset(h["skills"]),
            availability=tuple(tuple(w) for w in h["availability"]) or None,
            remaining=h["monthly_cap"] - loads.get(h["pk"], 0),
            load=loads.get(h["pk"], 0),
        )
        for h in helper_rows
    ]
    return Pool(needs, offers, time.perf_counter() - start)


def _proposal_rows(
    pairs: Sequence[matching.Pair], run: MatchingRun | None, state: str, now: dt.datetime
) -> list[Proposal]:
    return [
        Proposal(
            run=run,
            request_id=p.need,
            helper_id=p.offer,
            cost=p.cost,
            reasons=list(p.reasons),
            state=state,
            created_at=now,
        )
        for p in pairs
    ]


def matching_run(
    *,
    actor: User,
    community: Community | None = None,
    street: Street | None = None,
    now: dt.datetime | None = None,
) -> MatchingRun:
    """The optimal assignment over the open requests of a community (or a whole street)."""
    now = now or timezone.now()
    if community is not None:
        if not perms.coordinates_community(actor, community):
            raise MutualAidError(_("Only the community's coordinators run matching."))
        street_id = community.street_id
        requests, helpers = Q(community=community), Q(community=community)
    elif street is not None:
        if not perms.coordinator_scope(actor).covers(
            street_id=street.pk, community_id=None, compound_id=None
        ):
            raise MutualAidError(_("Only the street's coordinators match the whole street."))
        street_id = street.pk
        requests, helpers = Q(community__street=street), Q(community__street=street)
    else:
        raise MutualAidError(_("Choose a community or the street."))
    started = time.perf_counter()
    with transaction.atomic():
        # The open requests stay locked until their proposals are written: a second run
        # at the same time waits, then finds them proposed.
        pool = read_pool(requests, helpers, now, lock=True)
        result = matching.assign(pool.needs, pool.offers)
        run = MatchingRun.objects.create(
            street_id=street_id,
            community=community,
            started_by=actor,
            needs=len(pool.needs),
            helpers=len(pool.offers),
            matched=len(result.pairs),
            total_cost=result.matched_cost,
            milliseconds=round((time.perf_counter() - started) * 1000),
            created_at=now,
        )
        Proposal.objects.bulk_create(_proposal_rows(result.pairs, run, P.PROPOSED, now))
        HelpRequest.objects.filter(pk__in=[p.need for p in result.pairs]).update(
            state=S.PROPOSED, state_changed_at=now
        )
        audit.record(
            actor=actor,
            action="create",
            detail="mutualaid.matching_run",
            obj=community or street,
            changes={"needs": run.needs, "matched": run.matched, "run": str(run.uuid)},
        )
    return run


def _send(proposal: Proposal, now: dt.datetime, actor: User | None) -> None:
    proposal.state = P.CONFIRMED
    proposal.decided_at = now
    proposal.decided_by = actor
    proposal.save(update_fields=["state", "decided_at", "decided_by"])
    helper = proposal.helper
    if helper.user_id:
        notices.notify(helper.user, "mutualaid_help_asked", request_params(proposal.request))


def proposals_confirm(
    *, actor: User, proposals: Sequence[Proposal], now: dt.datetime | None = None
) -> int:
    """The coordinator sends proposed pairs to their helpers; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        for proposal in proposals:
            request = lock_request(proposal.request)
            if not perms.coordinates_request(actor, request):
                raise MutualAidError(_("You may not confirm this pair."))
            fresh = Proposal.objects.select_related("helper__user").get(pk=proposal.pk)
            if fresh.state != P.PROPOSED or request.state != S.PROPOSED:
                continue
            fresh.request = request
            _send(fresh, now, actor)
            audit.record(
                actor=actor, action="update", detail="mutualaid.proposal_confirm", obj=request
            )
            sent += 1
    return sent


def _answerable(actor: User, proposal: Proposal) -> HelpRequest:
    request = lock_request(proposal.request)
    helper = perms.helper_of(actor)
    own = helper is not None and helper.pk == proposal.helper_id
    if not own and not perms.coordinates_request(actor, request):
        raise MutualAidError(_("This request was not sent to you."))
    return request


def proposal_accept(
    *, actor: User, proposal: Proposal, now: dt.datetime | None = None
) -> HelpRequest:
    """The helper takes the request (a coordinator may answer for a helper without a phone)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _answerable(actor, proposal)
        fresh = Proposal.objects.select_related("helper__resident", "helper__user").get(
            pk=proposal.pk
        )
        if fresh.state != P.CONFIRMED or request.state != S.PROPOSED:
            raise MutualAidError(_("This request is no longer waiting for your answer."))
        helper = fresh.helper
        held = helper_loads([helper.pk], now).get(helper.pk, 0) - 1  # this one is counted
        if held >= helper.monthly_cap:
            raise MutualAidError(
                _("You have reached your cap of %(cap)s tasks this month.")
                % {"cap": helper.monthly_cap}
            )
        fresh.state = P.ACCEPTED
        fresh.decided_at = now
        fresh.save(update_fields=["state", "decided_at"])
        set_state(request, S.ACCEPTED, now, helper=helper)
        audit.record(
            actor=actor,
            action="update",
            detail="mutualaid.proposal_accept",
            obj=request,
            changes={"helper": str(helper.uuid)},
        )
        tell_requester(request, "mutualaid_helper_coming", helper=helper.resident.name)
    return request


def proposal_decline(
    *, actor: User, proposal: Proposal, now: dt.datetime | None = None
) -> Proposal | None:
    """The helper cannot come: the request is matched again without them (and without
    anyone who declined it before), and the next helper is asked at once. Returns the new
    proposal, or None when no one else can come (the request waits on the board)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _answerable(actor, proposal)
        fresh = Proposal.objects.get(pk=proposal.pk)
        if fresh.state not in (P.CONFIRMED, P.PROPOSED) or request.state != S.PROPOSED:
            raise MutualAidError(_("This request is no longer waiting for your answer."))
        fresh.state = P.DECLINED
        fresh.decided_at = now
        fresh.decided_by = actor
        fresh.save(update_fields=["state", "decided_at", "decided_by"])
        set_state(request, S.OPEN, now)
        audit.record(actor=actor, action="update", detail="mutualaid.proposal_decline", obj=request)
        return _rematch(request, actor, now)


def _rematch(request: HelpRequest, actor: User | None, now: dt.datetime) -> Proposal | None:
    declined = set(
        Proposal.objects.filter(request=request, state=P.DECLINED).values_list(
            "helper_id", flat=True
        )
    )
    pool = read_pool(Q(pk=request.pk), Q(community_id=request.community_id), now)
    if not pool.needs:
        return None
    pairs = matching.rematch(pool.needs[0], pool.offers, exclude=declined)
    if not pairs:
        return None
    (proposal,) = Proposal.objects.bulk_create(_proposal_rows(pairs[:1], None, P.PROPOSED, now))
    proposal = Proposal.objects.select_related("helper__user").get(pk=proposal.pk)
    proposal.request = request
    set_state(request, S.PROPOSED, now)
    _send(proposal, now, None)
    audit.record(
        actor=actor,
        action="update",
        detail="mutualaid.proposal_rematch",
        obj=request,
        changes={"helper": proposal.helper_id},
    )
    return proposal


def proposal_choose(
    *, actor: User, request: HelpRequest, helper: HelperProfile, now: dt.datetime | None = None
) -> Proposal:
    """A coordinator picks a helper by hand; the same rules as the batch hold, each refusal
    in words, and the pair is sent to the helper at once."""
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        if not perms.coordinates_request(actor, request):
            raise MutualAidError(_("You may not match this request."))
        if request.state != S.OPEN:
            raise MutualAidError(_("This request is not waiting for a helper."))
        pool = read_pool(Q(pk=request.pk), Q(pk=helper.pk), now)
        offer = next((o for o in pool.offers if o.key == helper.pk), None)
        name = helper.resident.name
        if offer is None:
            raise MutualAidError(_("%(name)s is not verified or is paused.") % {"name": name})
        if offer.place.household == request.household_id:
            raise MutualAidError(_("%(name)s lives in the same household.") % {"name": name})
        if offer.remaining <= 0:
            raise MutualAidError(
                _("%(name)s has reached their cap of %(cap)s tasks this month.")
                % {"name": name, "cap": helper.monthly_cap}
            )
        if request.kind not in offer.skills:
            raise MutualAidError(_("%(name)s does not offer this kind of help.") % {"name": name})
        pairs = matching.candidates(pool.needs, [offer])
        if not pairs:
            raise MutualAidError(
                _("%(name)s is not available at that time, or lives too far away.") % {"name": name}
            )
        (proposal,) = Proposal.objects.bulk_create(_proposal_rows(pairs[:1], None, P.PROPOSED, now))
        proposal = Proposal.objects.select_related("helper__user").get(pk=proposal.pk)
        proposal.request = request
        set_state(request, S.PROPOSED, now)
        _send(proposal, now, actor)
        audit.record(
            actor=actor,
            action="update",
            detail="mutualaid.proposal_choose",
            obj=request,
            changes={"helper": str(helper.uuid)},
        )
    return proposal


def request_take(
    *, actor: User, request: HelpRequest, now: dt.datetime | None = None
) -> HelpRequest:
    """A helper takes an open need near them from "I can help" (the same rules as matching:
    not their own household, within their cap, their skill, their time)."""
    now = now or timezone.now()
    helper = perms.helper_of(actor)
    if helper is None or helper.verified_at is None or helper.paused:
        raise MutualAidError(_("Only a verified helper who is not paused can take a request."))
    with transaction.atomic():
        request = lock_request(request)
        if request.state != S.OPEN or request.window_end <= now:
            raise MutualAidError(_("Someone else is already helping, or the time has passed."))
        pool = read_pool(Q(pk=request.pk), Q(pk=helper.pk), now)
        offer = next((o for o in pool.offers if o.key == helper.pk), None)
        if offer is None or not pool.needs:
            raise MutualAidError(_("This request is not open to you."))
        if offer.place.household == request.household_id:
            raise MutualAidError(_("This is a request from your own household."))
        if offer.remaining <= 0:
            raise MutualAidError(
                _("You have reached your cap of %(cap)s tasks this month.")
                % {"cap": helper.monthly_cap}
            )
        pairs = matching.candidates(pool.needs, [offer])
        if not pairs:
            raise MutualAidError(_("This request does not fit your skills or your free times."))
        Proposal.objects.bulk_create(_proposal_rows(pairs[:1], None, P.ACCEPTED, now))
        set_state(request, S.ACCEPTED, now, helper=helper)
        audit.record(actor=actor, action="update", detail="mutualaid.request_take", obj=request)
        tell_requester(request, "mutualaid_helper_coming", helper=helper.resident.name)
    return request
