"""Neighbour Activities over the API: the catalogue, events, sign-up and cancel, my sign-ups,
and for the organiser's staff the check-in list and the upload of scans made offline.

Scope as on the pages: an event or item the caller may not see answers 404. Refused input
(full without a waiting list, outside the sign-up window, ineligible, twice, too many
companions) answers 422 with the one error schema and a message in the caller's language.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from silin.activities import permissions as perms
from silin.activities import selectors
from silin.activities.models import Category, EventMessage, Feedback, Proposal, SignUp, Stage
from silin.activities.services import checkin, feedback, messages, proposals, signups, walk_ins
from silin.activities.services.common import ActivityError
from silin.core.access import get_object_for_actor
from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import MULTILINE, Input, NodeRef
from silin.lib.masking import mask_name

router = Router(tags=["activities"])


class ItemOut(Schema):
    uuid: UUID
    title: str
    description: str
    category: str
    stage: str
    min_age: int | None
    max_age: int | None
    for_families: bool
    for_elderly: bool
    for_children: bool
    group_size: int
    duration_minutes: int
    cost_yuan: Decimal
    materials: str
    community: NodeRef | None = Field(description="Empty: an item of the street's own list.")
    source: UUID | None = Field(None, description="The street item this one was adopted from.")

    @staticmethod
    def resolve_source(obj) -> UUID | None:
        return obj.source.uuid if obj.source_id else None


class EventOut(Schema):
    uuid: UUID
    title: str
    description: str
    item: UUID
    state: str
    organiser_kind: str
    community: NodeRef
    compound: NodeRef | None
    where: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    places_left: int
    max_companions: int
    waiting_list: bool
    signup_opens_at: dt.datetime | None
    signup_closes_at: dt.datetime | None
    min_age: int | None
    max_age: int | None
    required_tags: list[str] = Field(
        description="Codes of the register tags of which a resident must carry one (empty: anyone)."
    )
    series: UUID | None = Field(None, description="The repeating activity this date is one of.")

    @staticmethod
    def resolve_item(obj) -> UUID:
        return obj.item.uuid

    @staticmethod
    def resolve_required_tags(obj) -> list[str]:
        return [t.code for t in obj.required_tags.all()]

    @staticmethod
    def resolve_series(obj) -> UUID | None:
        return obj.series.uuid if obj.series_id else None


class SignUpIn(Input):
    companions: int = Field(0, ge=0, le=10)


class SignUpOut(Schema):
    uuid: UUID
    event: UUID
    title: str
    starts_at: dt.datetime
    state: str
    companions: int
    waiting_position: int | None = Field(None, description="1 for the first person waiting.")
    offer_expires_at: dt.datetime | None

    @staticmethod
    def resolve_event(obj) -> UUID:
        return obj.event.uuid

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.event.title

    @staticmethod
    def resolve_starts_at(obj) -> dt.datetime:
        return obj.event.starts_at

    @staticmethod
    def resolve_waiting_position(obj) -> int | None:
        return selectors.waiting_position(obj) if obj.state == SignUp.State.WAITING else None


class WaitingOut(Schema):
    """One person on an event's waiting list, as its organiser sees it."""

    uuid: UUID
    position: int = Field(description="1 for the first person waiting.")
    name: str
    places: int
    offered_until: dt.datetime | None = Field(
        None, description="Set while a freed place is offered to them."
    )


class FeedbackIn(Input):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=500)


class FeedbackOut(Schema):
    rating: int
    comment: str
    created_at: dt.datetime
    name: str = Field(description="Who gave it (shown to the organiser only).")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.signup.name


class ProposalIn(Input):
    title: str = Field(max_length=100)
    description: str = Field("", max_length=2000, json_schema_extra=MULTILINE)
    category: str = Field(description=f"One of {', '.join(Category.values)}.")
    stage: str = Field(description=f"One of {', '.join(Stage.values)}.")
    for_families: bool = False
    for_elderly: bool = False
    for_children: bool = False


class DeclineIn(Input):
    reason: str = Field(max_length=300, description="Told to the proposer as written.")


class ProposalOut(Schema):
    uuid: UUID
    title: str
    description: str
    category: str
    stage: str
    for_families: bool
    for_elderly: bool
    for_children: bool
    state: str = Field(description="pending, accepted or declined.")
    community: NodeRef
    decline_reason: str
    item: UUID | None = Field(None, description="The catalogue item made from it (accepted).")
    created_at: dt.datetime

    @staticmethod
    def resolve_item(obj) -> UUID | None:
        return obj.item.uuid if obj.item_id else None


class EventFilter(Input):
    stage: str = Field("", description=f"One of {', '.join(Stage.values)}.")
    category: str = Field("", description=f"One of {', '.join(Category.values)}.")
    day: dt.date | None = None
    free_only: bool = False


def _event_out(event):
    event.places_left = selectors.places_left(event)
    return event


@router.get("/activities/catalogue", response=list[ItemOut], summary="The catalogue")
@paginate(PageNumberPagination)
def catalogue_list(request):
    return selectors.catalogue_visible_to(request.auth)


@router.get(
    "/activities/catalogue/{uuid:item_uuid}",
    response={200: ItemOut, **error_responses(404)},
    summary="One catalogue item",
)
def catalogue_get(request, item_uuid: UUID):
    return get_object_for_actor(selectors.catalogue_visible_to(request.auth), uuid=item_uuid)


@router.get(
    "/activities/events",
    response=list[EventOut],
    summary="What's on near me: my compound first, then my community, then the street",
    description="The coming events, nearest first, then by start; page by page.",
)
@paginate(PageNumberPagination)
def event_list(request, filters: Query[EventFilter]):
    return selectors.events_near_qs(
        actor=request.auth,
        filters=selectors.EventFilters(
            stage=filters.stage,
            category=filters.category,
            day=filters.day,
            free_only=filters.free_only,
        ),
    )


@router.get(
    "/activities/events/{uuid:event_uuid}",
    response={200: EventOut, **error_responses(404)},
    summary="One event",
)
def event_get(request, event_uuid: UUID):
    event = get_object_for_actor(selectors.events_visible_to(request.auth), uuid=event_uuid)
    return _event_out(event)


@router.post(
    "/activities/events/{uuid:event_uuid}/signups",
    response={201: SignUpOut, **error_responses(403, 404, 422)},
    summary="Sign up (confirmed while places remain, else on the waiting list)",
)
def signup_add(request, event_uuid: UUID, payload: SignUpIn):
    event = selectors.event_for(request.auth, event_uuid)
    signup = signups.signup_create(actor=request.auth, event=event, companions=payload.companions)
    return Status(201, signup)


@router.get("/activities/signups/mine", response=list[SignUpOut], summary="My sign-ups")
def signup_mine(request):
    return selectors.my_signups(actor=request.auth)


@router.post(
    "/activities/signups/{uuid:signup_uuid}/cancel",
    response={200: SignUpOut, **error_responses(403, 404, 422)},
    summary="Cancel my sign-up (a freed place is offered to the first person waiting)",
)
def signup_withdraw(request, signup_uuid: UUID):
    signup = get_object_for_actor(selectors.signups_visible_to(request.auth), uuid=signup_uuid)
    return signups.signup_cancel(actor=request.auth, signup=signup)


@router.post(
    "/activities/signups/{uuid:signup_uuid}/accept",
    response={200: SignUpOut, **error_responses(403, 404, 422)},
    summary="Accept the place offered to me",
)
def signup_accept(request, signup_uuid: UUID):
    signup = get_object_for_actor(selectors.signups_visible_to(request.auth), uuid=signup_uuid)
    return signups.signup_accept_offer(actor=request.auth, signup=signup)


class MessageIn(Input):
    text: str = Field(..., min_length=1, max_length=500, json_schema_extra=MULTILINE)
    include_waiting: bool = Field(False, description="Also to the people on the waiting list.")
    sms: bool = Field(False, description="Also by SMS, to those with a mobile number.")


class MessageOut(Schema):
    uuid: UUID
    text: str
    include_waiting: bool
    sms: bool
    recipients: int
    created_at: dt.datetime
    sender: str

    @staticmethod
    def resolve_sender(obj) -> str:
        return obj.sender.name if obj.sender_id else ""


def _own_signup(request, signup_uuid: UUID) -> SignUp:
    return get_object_for_actor(
        selectors.signups_visible_to(request.auth).filter(person=request.auth), uuid=signup_uuid
    )


def _visible_and(queryset, uuid: UUID, actor, allowed):
    """The object of `queryset` with `uuid` if `allowed(actor, obj)`; else 404, like a
    missing one."""
    obj = get_object_for_actor(queryset, uuid=uuid)
    if not allowed(actor, obj):
        raise Http404
    return obj


def _run_event(request, event_uuid: UUID):
    return _visible_and(
        selectors.events_visible_to(request.auth), event_uuid, request.auth, perms.organises
    )


class ForResidentIn(Input):
    resident: UUID = Field(description="The resident of the register (its uuid).")
    companions: int = Field(0, ge=0, le=10)


class WalkInIn(Input):
    resident: UUID | None = Field(None, description="A resident of the register who came.")
    name: str = Field("", max_length=50, description="Or a guest not in the register, by name.")
    companions: int = Field(0, ge=0, le=10)


class WalkInOut(Schema):
    signup: UUID
    name: str = Field(description="Masked.")
    state: str
    places: int
    checked_in_at: dt.datetime | None
    added: bool = Field(description="False: someone already signed up, checked in instead.")


def _chosen_resident(request, event, value: UUID | None):
    if value is None:
        return None
    resident = selectors.register_resident(actor=request.auth, event=event, value=value)
    if resident is None:
        raise ActivityError({"resident": [_("This resident is not in the register you may see.")]})
    return resident


@router.post(
    "/activities/events/{uuid:event_uuid}/signups/for-resident",
    response={201: SignUpOut, **error_responses(403, 404, 422)},
    summary="Sign up a resident of the register (its organisers: on behalf, audited)",
    description=(
        "For a resident with an account, the sign-up is theirs and they are told; for one "
        "without (no phone), it is kept on the register record and the caller hears about "
        "offers and changes for them."
    ),
)
def signup_for_resident(request, event_uuid: UUID, payload: ForResidentIn):
    event = _run_event(request, event_uuid)
    resident = _chosen_resident(request, event, payload.resident)
    signup = signups.signup_for_resident(
        actor=request.auth, event=event, resident=resident, companions=payload.companions
    )
    return Status(201, signup)


@router.post(
    "/activities/events/{uuid:event_uuid}/walk-ins",
    response={200: WalkInOut, 201: WalkInOut, **error_responses(403, 404, 422)},
    summary="Add a walk-in at the door (recorded as having come)",
    description=(
        "A resident of the register or a guest by name, from two hours before the start; "
        "someone already signed up is checked in instead (200). Walk-ins take places: when "
        "all are held, close check-in first."
    ),
)
def walk_in_add(request, event_uuid: UUID, payload: WalkInIn):
    event = _run_event(request, event_uuid)
    resident = _chosen_resident(request, event, payload.resident)
    signup, added = walk_ins.walk_in_add(
        actor=request.auth,
        event=event,
        resident=resident,
        guest_name=payload.name if resident is None else "",
        companions=payload.companions,
    )
    out = WalkInOut(
        signup=signup.uuid,
        name=mask_name(signup.name),
        state=signup.state,
        places=signup.places,
        checked_in_at=signup.checked_in_at,
        added=added,
    )
    return Status(201 if added else 200, out)


@router.get(
    "/activities/events/{uuid:event_uuid}/messages",
    response={200: list[MessageOut], **error_responses(404)},
    summary="The organiser's messages to the people signed up (organisers only)",
)
def message_list(request, event_uuid: UUID):
    event = _run_event(request, event_uuid)
    return list(EventMessage.objects.filter(event=event).select_related("sender")[:100])


@router.post(
    "/activities/events/{uuid:event_uuid}/messages",
    response={201: MessageOut, **error_responses(403, 404, 422)},
    summary="Send a message to everyone with a place (organisers only)",
    description="Refused (422) when the same text went to this activity in the last ten "
    "minutes, or after five messages in 24 hours.",
)
def message_send(request, event_uuid: UUID, payload: MessageIn):
    event = _run_event(request, event_uuid)
    sent = messages.event_message_send(
        actor=request.auth,
        event=event,
        text=payload.text,
        include_waiting=payload.include_waiting,
        sms=payload.sms,
    )
    return Status(201, sent)


# --- check-in (the organiser's staff) -----------------------------------------------------


class CheckinRow(Schema):
    uuid: UUID
    short: str = Field(description="The short form of the sign-up's code, typed by hand.")
    name: str = Field(description="Masked as on the register's lists (刘**).")
    companions: int
    state: str
    checked_in_at: dt.datetime | None


class CheckinListOut(Schema):
    event: UUID
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    public_key: str = Field(description="The event's Ed25519 public key, raw, base64url.")
    prefix: str = Field(description="A code's payload is `<prefix>.<event>.<sign-up>`.")
    signups: list[CheckinRow]


class ScanIn(Input):
    code: str = Field(max_length=300, description="The signed code, or its short form.")
    scanned_at: dt.datetime = Field(description="When the phone scanned it (with its offset).")
    device: str = Field("", max_length=80, description="A name the phone gives itself.")


class UploadIn(Input):
    scans: list[ScanIn] = Field(max_length=500)


class ItemError(Schema):
    code: str = Field(description="unknown_code, invalid_code, other_event, no_place or bad_time.")
    message: str


class ScanOut(Schema):
    index: int = Field(description="The scan's place in the batch, from 0.")
    status: str = Field(description="checked_in, earlier, already or refused.")
    signup: UUID | None
    name: str = Field(description="The masked name, if the code names a sign-up.")
    checked_in_at: dt.datetime | None = Field(description="The earliest scan kept.")
    error: ItemError | None


class UploadOut(Schema):
    results: list[ScanOut]
    checked_in: int = Field(description="How many of this event's sign-ups have come so far.")


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@router.get(
    "/activities/events/{uuid:event_uuid}/checkin-list",
    response={200: CheckinListOut, **error_responses(404)},
    summary="The check-in list of an event, for a scanner that works offline",
    description="For the organiser's staff only (others: 404). Names are masked.",
)
def checkin_list(request, event_uuid: UUID):
    event = _run_event(request, event_uuid)
    rows = [
        {
            "uuid": s.uuid,
            "short": short,
            "name": mask_name(s.name),
            "companions": s.companions,
            "state": s.state,
            "checked_in_at": s.checked_in_at,
        }
        for short, s in sorted(checkin.event_codes(event).items(), key=lambda kv: kv[1].pk)
    ]
    return {
        "event": event.uuid,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "public_key": event.checkin_public_key,
        "prefix": checkin.PREFIX,
        "signups": rows,
    }


@router.post(
    "/activities/events/{uuid:event_uuid}/checkins",
    response={200: UploadOut, **error_responses(403, 404, 422)},
    summary="Upload a batch of check-ins scanned (maybe offline) on a phone",
    description=(
        "One transaction. The same code scanned twice or on two phones counts once and the "
        "earliest scan wins: an upload only moves a check-in time earlier. A scan that is "
        "refused (unknown, forged or another event's code, a time outside the check-in "
        "hours, a sign-up without a place) is answered in its own result with a code and a "
        "message in the caller's language, and changes nothing; the rest are saved."
    ),
)
def checkin_upload(request, event_uuid: UUID, payload: UploadIn):
    event = _run_event(request, event_uuid)
    # A time without an offset is read in the deployment's zone (Asia/Shanghai).
    scans = [
        checkin.Scan(code=s.code, scanned_at=_aware(s.scanned_at), device=s.device)
        for s in payload.scans
    ]
    results = checkin.checkin_upload(actor=request.auth, event=event, scans=scans)
    out = []
    for index, result in enumerate(results):
        signup = result.signup
        out.append(
            {
                "index": index,
                "status": result.status,
                "signup": signup.uuid if signup else None,
                "name": mask_name(signup.name) if signup else "",
                "checked_in_at": signup.checked_in_at if signup else None,
                "error": {"code": result.error, "message": result.message}
                if result.error
                else None,
            }
        )
    came = event.signups.filter(state=SignUp.State.ATTENDED).count()
    return {"results": out, "checked_in": came}


@router.get(
    "/activities/signups/{uuid:signup_uuid}",
    response={200: SignUpOut, **error_responses(404)},
    summary="One of my sign-ups, with my place on the waiting list",
)
def signup_get(request, signup_uuid: UUID):
    return _own_signup(request, signup_uuid)


@router.get(
    "/activities/events/{uuid:event_uuid}/waiting",
    response={200: list[WaitingOut], **error_responses(404)},
    summary="The event's waiting list in order (its organisers)",
)
def waiting_list(request, event_uuid: UUID):
    event = _run_event(request, event_uuid)
    rows = (
        SignUp.objects.filter(event=event, state=SignUp.State.WAITING)
        .select_related("person", "resident")
        .order_by("created_at", "pk")
    )
    return [
        WaitingOut(
            uuid=s.uuid,
            position=n,
            name=s.name,
            places=s.places,
            offered_until=s.offer_expires_at,
        )
        for n, s in enumerate(rows, start=1)
    ]


@router.post(
    "/activities/signups/{uuid:signup_uuid}/feedback",
    response={201: FeedbackOut, **error_responses(404, 422)},
    summary="Give my feedback on an activity I attended (once)",
)
def feedback_add(request, signup_uuid: UUID, payload: FeedbackIn):
    signup = _own_signup(request, signup_uuid)
    given = feedback.feedback_give(
        actor=request.auth, signup=signup, rating=payload.rating, comment=payload.comment
    )
    return Status(201, given)


@router.get(
    "/activities/events/{uuid:event_uuid}/feedback",
    response={200: list[FeedbackOut], **error_responses(404)},
    summary="The feedback given on an event (its organisers)",
)
@paginate(PageNumberPagination)
def feedback_list(request, event_uuid: UUID):
    event = _run_event(request, event_uuid)
    return (
        Feedback.objects.filter(signup__event=event)
        .select_related("signup__person", "signup__resident")
        .order_by("-created_at", "-pk")
    )


@router.get(
    "/activities/proposals",
    response=list[ProposalOut],
    summary="Proposals: my own, and those I decide (the catalogue's workers)",
)
@paginate(PageNumberPagination)
def proposal_list(request, state: str = ""):
    qs = selectors.proposals_visible_to(request.auth)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


@router.post(
    "/activities/proposals",
    response={201: ProposalOut, **error_responses(403, 422)},
    summary="Propose an activity for my community's catalogue",
)
def proposal_add(request, payload: ProposalIn):
    proposal = proposals.proposal_create(
        actor=request.auth, data=proposals.ProposalData(**payload.model_dump())
    )
    return Status(201, proposal)


def _decided(request, proposal_uuid: UUID) -> Proposal:
    return _visible_and(
        selectors.proposals_visible_to(request.auth),
        proposal_uuid,
        request.auth,
        perms.decides_proposal,
    )


@router.get(
    "/activities/proposals/{uuid:proposal_uuid}",
    response={200: ProposalOut, **error_responses(404)},
    summary="One proposal",
)
def proposal_get(request, proposal_uuid: UUID):
    return get_object_for_actor(selectors.proposals_visible_to(request.auth), uuid=proposal_uuid)


@router.post(
    "/activities/proposals/{uuid:proposal_uuid}/accept",
    response={200: ProposalOut, **error_responses(404, 422)},
    summary="Accept a proposal: it becomes an item of the community's catalogue",
)
def proposal_accept(request, proposal_uuid: UUID):
    return proposals.proposal_accept(actor=request.auth, proposal=_decided(request, proposal_uuid))


@router.post(
    "/activities/proposals/{uuid:proposal_uuid}/decline",
    response={200: ProposalOut, **error_responses(404, 422)},
    summary="Decline a proposal, saying why",
)
def proposal_decline(request, proposal_uuid: UUID, payload: DeclineIn):
    return proposals.proposal_decline(
        actor=request.auth, proposal=_decided(request, proposal_uuid), reason=payload.reason
    )
