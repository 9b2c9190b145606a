"""Neighbour services over the API: help requests, helpers, matching runs and proposals,
service records. (Pairings and visits: `api_pairings`; the time bank: `api_ledger`.)

Scope as on the pages: a record the caller may not see answers 404; refused input answers
422 with the one error schema and a message in the caller's language.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
import datetime as dt
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from silin.core.access import get_object_for_actor
from silin.core.api.errors import error_responses
from silin.core.api.schemas import MULTILINE, Input, NodeRef
from silin.mutualaid import permissions as perms
from silin.mutualaid import presenters, selectors
from silin.mutualaid.models import HelpRequest, Proposal, ServiceRecord
from silin.mutualaid.services import helpers as helper_services
from silin.mutualaid.services import matching, records, requests
from silin.people.models import Resident

router = Router(tags=["mutual aid"])


class RequestIn(Input):
    kind: str = Field(description="shopping, escort, repairs, visit, companionship, meals, ...")
    window_start: dt.datetime
    window_end: dt.datetime
    urgency: str = "normal"
    agreed_minutes: int = Field(60, ge=10, le=480)
    repeats_weekly: bool = False
    notes: str = Field("", max_length=500, json_schema_extra=MULTILINE)
    resident: UUID | None = Field(
        None, description="For a worker or grid member asking on a resident's behalf."
    )


class RequestOut(Schema):
    uuid: UUID
    kind: str
    state: str
    urgency: str
    window_start: dt.datetime
    window_end: dt.datetime
    agreed_minutes: int
    repeats_weekly: bool
    raised_as: str
    community: NodeRef
    requester: str = Field(description="The name of the resident helped.")
    helper: str | None = Field(None, description="The helper's name, once one accepted.")
    door: str | None = Field(
        None, description="Only for the coordinators and the helper who accepted."
    )
    notes: str | None = Field(None, description="As the door.")

    @staticmethod
    def resolve_requester(obj) -> str:
        return obj.requester.name

    @staticmethod
    def resolve_helper(obj) -> str | None:
        return obj.helper.resident.name if obj.helper_id else None

    @staticmethod
    def resolve_door(obj, context) -> str | None:
        return obj.household.door if perms.sees_private(context["request"].auth, obj) else None

    @staticmethod
    def resolve_notes(obj, context) -> str | None:
        return obj.notes if perms.sees_private(context["request"].auth, obj) else None


def _out(actor, request: HelpRequest) -> HelpRequest:
    """The request as the actor sees it (RequestOut hides the door and notes)."""
    return request


def _for(actor, resident_uuid: UUID | None) -> Resident:
    related = ("household__compound", "community__street")
    if resident_uuid is None:
        if not actor.resident_id:
            raise Http404
        return Resident.objects.select_related(*related).get(pk=actor.resident_id)
    resident = get_object_for_actor(Resident.objects.select_related(*related), uuid=resident_uuid)
    if not perms.acts_for_resident(actor, resident):
        raise Http404
    return resident


# Live proposals are at most one a request; a list longer than this is cut, most urgent kept.
PROPOSALS_LISTED = 200


@router.get("/mutualaid/requests/mine", response=list[RequestOut], summary="My requests for help")
def request_mine(request):
    if not request.auth.resident_id:
        return []
    resident = _for(request.auth, None)
    return [
        _out(request.auth, r)
        for r in selectors.requests_of_resident(actor=request.auth, resident=resident)
    ]


@router.post(
    "/mutualaid/requests",
    response={201: RequestOut, **error_responses(404, 422)},
    summary="Ask for help (for myself, or as a worker for a resident)",
)
def request_create(request, payload: RequestIn):
    created = requests.request_raise(
        actor=request.auth,
        requester=_for(request.auth, payload.resident),
        kind=payload.kind,
        window_start=payload.window_start,
        window_end=payload.window_end,
        urgency=payload.urgency,
        agreed_minutes=payload.agreed_minutes,
        repeats_weekly=payload.repeats_weekly,
        notes=payload.notes,
    )
    return Status(
        201, _out(request.auth, selectors.request_get(actor=request.auth, uuid=created.uuid))
    )


@router.get(
    "/mutualaid/requests/{uuid:request_uuid}",
    response={200: RequestOut, **error_responses(404)},
    summary="One request",
)
def request_get(request, request_uuid: UUID):
    return _out(request.auth, selectors.request_get(actor=request.auth, uuid=request_uuid))


@router.post(
    "/mutualaid/requests/{uuid:request_uuid}/cancel",
    response={200: RequestOut, **error_responses(404, 422)},
    summary="Cancel a request",
)
def request_cancel(request, request_uuid: UUID):
    r = selectors.request_get(actor=request.auth, uuid=request_uuid)
    requests.request_cancel(actor=request.auth, request=r)
    return _out(request.auth, selectors.request_get(actor=request.auth, uuid=request_uuid))


@router.post(
    "/mutualaid/requests/{uuid:request_uuid}/take",
    response={200: RequestOut, **error_responses(404, 422)},
    summary="Take an open need near me (a verified helper)",
)
def request_take(request, request_uuid: UUID):
    r = get_object_for_actor(
        HelpRequest.objects.select_related("household", "community"), uuid=request_uuid
    )
    helper = perms.helper_of(request.auth)
    if helper is None or helper.community_id != r.community_id:
        raise Http404
    matching.request_take(actor=request.auth, request=r)
    return _out(request.auth, selectors.request_get(actor=request.auth, uuid=request_uuid))


class HelperIn(Input):
    skills: list[str]
    availability: list[list[int]] = Field(
        default_factory=list, description="[[weekday 0=Monday, start minute, end minute], ...]"
    )
    monthly_cap: int = Field(8, ge=1, le=60)
    health_declared: bool = False


class HelperOut(Schema):
    uuid: UUID
    name: str
    skills: list[str]
    availability: list[list[int]]
    monthly_cap: int
    verified: bool
    paused: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.resident.name

    @staticmethod
    def resolve_verified(obj) -> bool:
        return obj.verified_at is not None


@router.get(
    "/mutualaid/helpers/me",
    response={200: HelperOut, **error_responses(404)},
    summary="My helper profile",
)
def helper_me(request):
    helper = perms.helper_of(request.auth)
    if helper is None:
        raise Http404
    return helper


@router.post(
    "/mutualaid/helpers/me",
    response={201: HelperOut, **error_responses(404, 422)},
    summary="Offer to help neighbours",
)
def helper_enrol(request, payload: HelperIn):
    helper = helper_services.helper_enrol(
        actor=request.auth,
        resident=_for(request.auth, None),
        skills=payload.skills,
        availability=payload.availability,
        monthly_cap=payload.monthly_cap,
        health_declared=payload.health_declared,
    )
    return Status(201, helper)


class PauseIn(Input):
    paused: bool


@router.post(
    "/mutualaid/helpers/me/pause",
    response={200: HelperOut, **error_responses(404, 422)},
    summary="Pause myself, or come back",
)
def helper_pause(request, payload: PauseIn):
    helper = perms.helper_of(request.auth)
    if helper is None:
        raise Http404
    return helper_services.helper_pause(actor=request.auth, helper=helper, paused=payload.paused)


class RunOut(Schema):
    uuid: UUID
    needs: int
    helpers: int
    matched: int
    total_cost: int
    milliseconds: int
    created_at: dt.datetime


class ProposalOut(Schema):
    uuid: UUID
    request: UUID
    helper: UUID
    helper_name: str
    state: str
    cost: int
    reasons: list[str] = Field(description="Codes: same_unit, came_last_time, skill:repairs, ...")
    explanation: str = Field(description="The reasons in the caller's language.")

    @staticmethod
    def resolve_request(obj) -> UUID:
        return obj.request.uuid

    @staticmethod
    def resolve_helper(obj) -> UUID:
        return obj.helper.uuid

    @staticmethod
    def resolve_helper_name(obj) -> str:
        return obj.helper.resident.name

    @staticmethod
    def resolve_explanation(obj) -> str:
        return presenters.reason_words(obj.reasons)


@router.post(
    "/mutualaid/communities/{uuid:community_uuid}/matching-runs",
    response={201: RunOut, **error_responses(404, 422)},
    summary="Match the community's open requests (the optimal assignment)",
)
def run_create(request, community_uuid: UUID):
    community = selectors.community_for_board(actor=request.auth, uuid=community_uuid)
    return Status(201, matching.matching_run(actor=request.auth, community=community))


@router.get(
    "/mutualaid/communities/{uuid:community_uuid}/proposals",
    response={200: list[ProposalOut], **error_responses(404)},
    summary="The proposed pairs and those waiting for the helper's answer",
)
def proposal_list(request, community_uuid: UUID):
    community = selectors.community_for_board(actor=request.auth, uuid=community_uuid)
    return list(
        selectors.live_proposals(actor=request.auth, community=community)[:PROPOSALS_LISTED]
    )


@router.get(
    "/mutualaid/proposals/mine",
    response=list[ProposalOut],
    summary="What is asked of me as a helper",
)
def proposal_mine(request):
    helper = perms.helper_of(request.auth)
    if helper is None:
        return []
    return list(
        Proposal.objects.filter(helper=helper, state=Proposal.State.CONFIRMED).select_related(
            "request", "helper__resident"
        )
    )


def _proposal(request, uuid: UUID) -> Proposal:
    proposal = get_object_for_actor(
        Proposal.objects.select_related(
            "request__community", "request__household", "helper__resident"
        ),
        uuid=uuid,
    )
    helper = perms.helper_of(request.auth)
    own = helper is not None and helper.pk == proposal.helper_id
    if not own and not perms.coordinates_request(request.auth, proposal.request):
        raise Http404
    return proposal


@router.post(
    "/mutualaid/proposals/{uuid:proposal_uuid}/confirm",
    response={200: ProposalOut, **error_responses(404, 422)},
    summary="Send a proposed pair to its helper (a coordinator)",
)
def proposal_confirm(request, proposal_uuid: UUID):
    proposal = _proposal(request, proposal_uuid)
    if not perms.coordinates_request(request.auth, proposal.request):
        raise Http404
    matching.proposals_confirm(actor=request.auth, proposals=[proposal])
    proposal.refresh_from_db()
    return proposal


@router.post(
    "/mutualaid/proposals/{uuid:proposal_uuid}/accept",
    response={200: RequestOut, **error_responses(404, 422)},
    summary="Accept: the request is mine (its door and notes are shown from now on)",
)
def proposal_accept(request, proposal_uuid: UUID):
    proposal = _proposal(request, proposal_uuid)
    r = matching.proposal_accept(actor=request.auth, proposal=proposal)
    return _out(request.auth, selectors.request_get(actor=request.auth, uuid=r.uuid))


class DeclineOut(Schema):
    next: ProposalOut | None = Field(description="The helper asked next, if anyone can come.")


@router.post(
    "/mutualaid/proposals/{uuid:proposal_uuid}/decline",
    response={200: DeclineOut, **error_responses(404, 422)},
    summary="Decline: the request is matched again without me",
)
def proposal_decline(request, proposal_uuid: UUID):
    proposal = _proposal(request, proposal_uuid)
    return {"next": matching.proposal_decline(actor=request.auth, proposal=proposal)}


class RecordOut(Schema):
    uuid: UUID
    request: UUID
    state: str
    agreed_minutes: int
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    claimed_minutes: int | None
    auto_accepted: bool
    reject_reason: str

    @staticmethod
    def resolve_request(obj) -> UUID:
        return obj.request.uuid


class CheckOutIn(Input):
    claimed_minutes: int | None = Field(None, ge=1, le=600)


class RejectIn(Input):
    reason: str = Field(max_length=200)


@router.post(
    "/mutualaid/requests/{uuid:request_uuid}/check-in",
    response={201: RecordOut, **error_responses(404, 422)},
    summary="Check in at the neighbour's door (the helper, or a worker for them)",
)
def check_in(request, request_uuid: UUID):
    r = selectors.request_get(actor=request.auth, uuid=request_uuid)
    return Status(201, records.service_check_in(actor=request.auth, request=r))


@router.post(
    "/mutualaid/requests/{uuid:request_uuid}/check-out",
    response={200: RecordOut, **error_responses(404, 422)},
    summary="Check out, with the minutes spent",
)
def check_out(request, request_uuid: UUID, payload: CheckOutIn):
    r = selectors.request_get(actor=request.auth, uuid=request_uuid)
    record = ServiceRecord.objects.filter(request=r).first()
    if record is None:
        raise Http404
    return records.service_check_out(
        actor=request.auth, record=record, claimed_minutes=payload.claimed_minutes
    )


def _record(request, uuid: UUID) -> ServiceRecord:
    record = get_object_for_actor(
        ServiceRecord.objects.select_related(
            "request__community", "request__household", "recipient"
        ),
        uuid=uuid,
    )
    if not perms.can_view_request(request.auth, record.request):
        raise Http404
    return record


@router.post(
    "/mutualaid/services/{uuid:record_uuid}/confirm",
    response={200: RecordOut, **error_responses(404, 422)},
    summary="Confirm the help received: the hours go to the helper",
)
def service_confirm(request, record_uuid: UUID):
    record = _record(request, record_uuid)
    return records.service_confirm(actor=request.auth, record=record)


@router.post(
    "/mutualaid/services/{uuid:record_uuid}/reject",
    response={200: RecordOut, **error_responses(404, 422)},
    summary="Say the service was not right (a worker looks into it)",
)
def service_reject(request, record_uuid: UUID, payload: RejectIn):
    record = _record(request, record_uuid)
    return records.service_reject(actor=request.auth, record=record, reason=payload.reason)
