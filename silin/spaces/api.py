"""Neighbour Spaces over the API: spaces, availability, bookings, series, waiting list, feeds.

Scope as on the pages: a space or booking the caller may not see answers 404. A slot that
is taken (or was taken a moment ago by a concurrent request) answers 409 `conflict` with
the message on `starts_at`; any other refused input answers 422 with field messages.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from silin.core.api.errors import error_body, error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.core.api.schemas import NodeRef
from silin.spaces import permissions as perms
from silin.spaces.models import Booking, Space
from silin.spaces.selectors.availability import availability
from silin.spaces.selectors.bookings import (
    booker_by_uuid,
    booking_approval_queue,
    booking_get,
    booking_list_for_series,
    booking_list_mine,
    organization_by_uuid,
    own_bookings_overlapping,
    waitlist_get,
    waitlist_list_mine,
)
from silin.spaces.selectors.spaces import SpaceFilters, space_get, space_list_for
from silin.spaces.services import bookings, checkin, series, waitlist
from silin.spaces.services.common import OwnOverlap, SlotTaken, SpaceError
from silin.spaces.services.feeds import personal_feed_token
from silin.spaces.services.policy import overlap_message

router = Router(tags=["spaces"])

Kind = Literal[tuple(Space.Kind.values)]  # type: ignore[valid-type]
MAX_AVAILABILITY_DAYS = 62


# --- schemas ---------------------------------------------------------------------------------


class SpaceRef(Schema):
    uuid: UUID
    name: str


class SpaceOut(Schema):
    uuid: UUID
    name: str
    kind: str
    community: NodeRef
    compound: NodeRef | None
    address: str
    capacity: int
    amenities: list[str]
    step_free: bool
    lift: bool
    accessible_toilet: bool
    active: bool
    approval_required: bool
    reach: str = Field(description="Who may see and book it: compound, community or street.")
    allow_overlapping_own_bookings: bool = Field(
        description="Whether someone booked elsewhere at the same time may book it (warned); "
        "if not, such a booking answers 409 own_overlap."
    )
    book_ahead_days: int
    min_booking_minutes: int
    max_booking_minutes: int
    check_in_grace_minutes: int


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday.")
    opens: dt.time
    closes: dt.time


class SpaceDetail(SpaceOut):
    description: str
    parent: SpaceRef | None
    opening_hours: list[OpeningHoursOut]
    weekly_quota_household_minutes: int | None
    weekly_quota_organization_minutes: int | None
    may_book: bool
    may_manage: bool
    feed_url: str | None = Field(description="iCalendar feed of the space's confirmed bookings.")
    check_in_url: str | None = Field(
        description="The door's check-in address (the QR code); only for those who run it."
    )

    # What the caller may do here: read from the request django-ninja passes as context.
    @staticmethod
    def resolve_may_book(obj: Space, context: dict[str, Any]) -> bool:
        return perms.can_book_space(context["request"].auth, obj)

    @staticmethod
    def resolve_may_manage(obj: Space, context: dict[str, Any]) -> bool:
        return perms.manages(context["request"].auth, obj)

    @staticmethod
    def resolve_feed_url(obj: Space, context: dict[str, Any]) -> str:
        return _abs(context["request"], "spaces:space-feed", obj.feed_token)

    @staticmethod
    def resolve_check_in_url(obj: Space, context: dict[str, Any]) -> str | None:
        request = context["request"]
        if not perms.manages(request.auth, obj):
            return None
        return _abs(request, "spaces:check-in", obj.door_token)


class IntervalOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: Literal["free", "requested", "taken", "blocked", "closed"]
    mine: bool = Field(description="The interval is one of the caller's own bookings.")
    reason: str = Field(description="Why it is blocked, if it is.")


class BookingOut(Schema):
    uuid: UUID
    space: SpaceRef
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    purpose: str
    attendees: int
    booker_name: str
    booked_by_name: str | None
    decision_reason: str = Field(
        description="Why it was decided so, in the reader's language: what the deciding person "
        "wrote, or the text for decision_code."
    )
    decision_code: str = Field(
        description="Set when the system decided: not_checked_in (released, nobody checked in), "
        "other_approved (another request for the time was approved); empty otherwise."
    )
    checked_in_at: dt.datetime | None
    series: UUID | None
    created_at: dt.datetime

    @staticmethod
    def resolve_booker_name(obj: Booking) -> str:
        return obj.booker.name

    @staticmethod
    def resolve_decision_reason(obj: Booking) -> str:
        return obj.reason_text

    @staticmethod
    def resolve_booked_by_name(obj: Booking) -> str | None:
        return obj.booked_by.name if obj.booked_by else None

    @staticmethod
    def resolve_series(obj: Booking) -> UUID | None:
        return obj.series.uuid if obj.series else None


class OverlapOut(Schema):
    space: SpaceRef
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str


class BookingWarning(Schema):
    code: Literal["own_overlap"] = Field(
        description="own_overlap: the person booked for has other bookings at that time."
    )
    message: str
    bookings: list[OverlapOut]


class BookingCreatedOut(BookingOut):
    warnings: list[BookingWarning] = Field(
        description="What the booker should know: the person's other bookings at that time "
        "(made anyway, as the space allows it). Empty when there is nothing to say."
    )

    @staticmethod
    def resolve_warnings(obj: Booking, context: dict[str, Any]) -> list[dict[str, Any]]:
        # The service read them under its lock (`book_slot`); otherwise one query.
        overlaps = obj.__dict__.get("_own_overlaps")
        if overlaps is None:
            overlaps = own_bookings_overlapping(
                booker=obj.booker,
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                other_than=obj.space,
            )
        if not overlaps:
            return []
        message = overlap_message(
            actor=context["request"].auth, booker=obj.booker, overlaps=overlaps
        )
        return [{"code": "own_overlap", "message": message, "bookings": overlaps}]


class BookingIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str = Field(max_length=200)
    attendees: int = Field(ge=1, le=10000)
    booker: UUID | None = Field(None, description="Book for this user (staff on behalf).")
    organization: UUID | None = Field(None, description="Book for this organisation.")


class SeriesIn(Schema):
    rrule: str = Field(
        max_length=500,
        description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=20. "
        "It must end (COUNT or UNTIL) and give at most 366 dates.",
    )
    first_starts_at: dt.datetime
    duration_minutes: int = Field(ge=1, le=1440)
    purpose: str = Field(max_length=200)
    attendees: int = Field(ge=1, le=10000)
    skip_clashes: bool = Field(
        True, description="Leave out dates that cannot be booked (reported) instead of failing."
    )
    booker: UUID | None = None
    organization: UUID | None = None


class SkippedOut(Schema):
    starts_at: dt.datetime
    reason: str
    message: str


class SeriesOut(Schema):
    uuid: UUID
    rrule: str
    bookings: list[BookingOut]
    skipped: list[SkippedOut]


class ReasonIn(Schema):
    reason: str = Field("", max_length=300)


class CheckInIn(Schema):
    door_token: str | None = Field(
        None, description="The code from the door's QR link; staff checking in need none."
    )


class WaitlistIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str = Field(max_length=200)
    attendees: int = Field(ge=1, le=10000)


class WaitlistOut(Schema):
    uuid: UUID
    space: SpaceRef
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str
    purpose: str
    attendees: int
    offer_expires_at: dt.datetime | None
    created_at: dt.datetime


class FeedsOut(Schema):
    personal_feed_url: str = Field(description="iCalendar feed of your bookings (keep private).")


class SpaceFilter(Schema):
    kind: Kind | None = None  # type: ignore[valid-type]
    community: UUID | None = None
    compound: UUID | None = None
    open_now: bool = False
    accessible: bool = Field(False, description="Step-free access only.")
    free_from: dt.datetime | None = Field(None, description="With free_until: free all along.")
    free_until: dt.datetime | None = None
    q: str = Field("", max_length=100, description="Name contains.")


class RangeIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class MineFilter(Schema):
    upcoming: bool = Field(False, description="Only bookings still to come and live.")


# --- helpers ---------------------------------------------------------------------------------


def _abs(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _conflict(exc: SlotTaken):
    message = exc.message_dict.get("starts_at", exc.messages)[0]
    return Status(409, error_body("conflict", message, exc.message_dict))


def _booking_rows(qs):
    return qs.select_related("space", "booker", "booked_by", "series")


def _fetch_booking(actor, uuid: UUID) -> Booking:
    return booking_get(actor=actor, uuid=uuid)


def _user(actor, space: Space, uuid: UUID | None):
    if uuid is None:
        return None
    if not perms.can_book_on_behalf(actor, space):
        raise PermissionDenied
    user = booker_by_uuid(uuid=uuid)
    if user is None:
        raise SpaceError({"booker": [_("There is no such person.")]})
    return user


def _organization(actor, uuid: UUID | None):
    if uuid is None:
        return None
    org = organization_by_uuid(uuid=uuid)
    if org is None:
        raise SpaceError({"organization": [_("There is no such organisation.")]})
    return org


# --- spaces ----------------------------------------------------------------------------------


@router.get(
    "/spaces",
    response={200: list[SpaceOut], **error_responses(422)},
    summary="Spaces I may see",
)
@paginate(PageNumberPagination)
def space_list(request, filters: Query[SpaceFilter]):
    return space_list_for(actor=request.auth, filters=SpaceFilters(**filters.dict()))


@router.get(
    "/spaces/{uuid:space_uuid}",
    response={200: SpaceDetail, **error_responses(404)},
    summary="One space with its opening hours and booking policy",
)
def space_detail(request, space_uuid: UUID):
    return space_get(actor=request.auth, uuid=space_uuid)


@router.get(
    "/spaces/{uuid:space_uuid}/availability",
    response={200: list[IntervalOut], **error_responses(404, 422)},
    summary="Free, requested, taken, blocked and closed intervals of a range",
    description=f"The range may span at most {MAX_AVAILABILITY_DAYS} days.",
)
def space_availability(request, space_uuid: UUID, window: Query[RangeIn]):
    space = space_get(actor=request.auth, uuid=space_uuid)
    if window.ends_at <= window.starts_at:
        raise SpaceError({"ends_at": [_("The end must be after the start.")]})
    if window.ends_at - window.starts_at > dt.timedelta(days=MAX_AVAILABILITY_DAYS):
        raise SpaceError(
            {"ends_at": [_("Ask for at most %(days)d days.") % {"days": MAX_AVAILABILITY_DAYS}]}
        )
    intervals = availability(space=space, starts_at=window.starts_at, ends_at=window.ends_at)
    me = request.auth.pk
    return [
        {
            "starts_at": i.starts_at,
            "ends_at": i.ends_at,
            "state": i.state,
            "mine": bool(i.booking and i.booking.booker_id == me),
            "reason": i.reason,
        }
        for i in intervals
    ]


# --- bookings --------------------------------------------------------------------------------


@router.post(
    "/spaces/{uuid:space_uuid}/bookings",
    response={201: BookingCreatedOut, **error_responses(403, 404, 409, 422)},
    summary="Book a slot",
    description="Confirmed at once, or awaiting approval where the space asks for it. "
    "If the person booked for already has bookings elsewhere at that time, the booking is "
    "made and `warnings` names them (code `own_overlap`); where the space does not allow "
    "that (`allow_overlapping_own_bookings` false) it answers 409 with code `own_overlap`. "
    "A taken slot answers 409 `conflict`.",
)
def booking_add(request, space_uuid: UUID, payload: BookingIn):
    actor = request.auth
    space = space_get(
        actor=actor,
        uuid=space_uuid,
        related=("community",),
        held_over=_interval(payload.starts_at, payload.ends_at),
    )
    try:
        booking = bookings.booking_create(
            actor=actor,
            space=space,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            purpose=payload.purpose,
            attendees=payload.attendees,
            booker=_user(actor, space, payload.booker),
            organization=_organization(actor, payload.organization),
            overlap_ok=True,  # made, and the answer's warnings name the other bookings
        )
    except SlotTaken as exc:
        return _conflict(exc)
    except OwnOverlap as exc:
        message = exc.messages[0]
        return Status(409, error_body("own_overlap", message, {"starts_at": [message]}))
    return Status(201, _as_stored(booking))


def _interval(
    starts_at: dt.datetime, ends_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime] | None:
    """The interval to pre-check with the space lookup; a naive time is left to the service."""
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        return None
    return starts_at, ends_at


def _as_stored(booking: Booking) -> Booking:
    """The booking just written, answered from the object in hand (no second SELECT), its
    times as a read from the database gives them (UTC)."""
    for name in ("starts_at", "ends_at", "created_at", "decided_at"):
        value = getattr(booking, name)
        if value is not None:
            setattr(booking, name, value.astimezone(dt.UTC))
    return booking


@router.post(
    "/spaces/{uuid:space_uuid}/series",
    response={201: SeriesOut, **error_responses(403, 404, 409, 422)},
    summary="Book a repeating slot (RFC 5545 rule), all or nothing",
)
def series_add(request, space_uuid: UUID, payload: SeriesIn):
    actor = request.auth
    space = space_get(actor=actor, uuid=space_uuid)
    try:
        result = series.booking_series_create(
            actor=actor,
            space=space,
            rrule=payload.rrule,
            first_starts_at=payload.first_starts_at,
            duration_minutes=payload.duration_minutes,
            purpose=payload.purpose,
            attendees=payload.attendees,
            skip_clashes=payload.skip_clashes,
            booker=_user(actor, space, payload.booker),
            organization=_organization(actor, payload.organization),
        )
    except SlotTaken as exc:
        return _conflict(exc)
    rows = list(booking_list_for_series(series_id=result.series.pk))
    return Status(
        201,
        {
            "uuid": result.series.uuid,
            "rrule": result.series.rrule,
            "bookings": rows,
            "skipped": [s.__dict__ for s in result.skipped],
        },
    )


@router.get(
    "/bookings/mine",
    response={200: list[BookingOut], **error_responses(422)},
    summary="My bookings",
)
@paginate(PageNumberPagination)
def booking_mine(request, filters: Query[MineFilter]):
    return _booking_rows(booking_list_mine(actor=request.auth, upcoming=filters.upcoming))


@router.get(
    "/bookings/approval-queue",
    response={200: list[BookingOut], **error_responses(422)},
    summary="Requests awaiting my approval",
)
@paginate(PageNumberPagination)
def booking_queue(request):
    return _booking_rows(booking_approval_queue(actor=request.auth))


@router.get(
    "/bookings/{uuid:booking_uuid}",
    response={200: BookingOut, **error_responses(404)},
    summary="One booking",
)
def booking_detail(request, booking_uuid: UUID):
    return _fetch_booking(request.auth, booking_uuid)


def _decide(request, booking_uuid: UUID, action, **kwargs):
    actor = request.auth
    booking = _fetch_booking(actor, booking_uuid)
    try:
        action(actor=actor, booking=booking, **kwargs)
    except SlotTaken as exc:
        return _conflict(exc)
    return _fetch_booking(actor, booking_uuid)


@router.post(
    "/bookings/{uuid:booking_uuid}/cancel",
    response={200: BookingOut, **error_responses(403, 404, 422)},
    summary="Cancel a booking or request",
)
def booking_cancel(request, booking_uuid: UUID, payload: ReasonIn):
    return _decide(request, booking_uuid, bookings.booking_cancel, reason=payload.reason)


@router.post(
    "/bookings/{uuid:booking_uuid}/approve",
    response={200: BookingOut, **error_responses(403, 404, 409, 422)},
    summary="Approve a request (rejects the requests it overlaps)",
    description="One's own request (booked for or by the caller) needs another approver: "
    "it answers 422, unless the caller is the only one who approves bookings of the space "
    "(then it is approved and the audit entry says it was self-approved).",
)
def booking_approve(request, booking_uuid: UUID, payload: ReasonIn):
    return _decide(request, booking_uuid, bookings.booking_approve, reason=payload.reason)


@router.post(
    "/bookings/{uuid:booking_uuid}/reject",
    response={200: BookingOut, **error_responses(403, 404, 422)},
    summary="Reject a request, with the reason the asker will see",
)
def booking_reject(request, booking_uuid: UUID, payload: ReasonIn):
    return _decide(request, booking_uuid, bookings.booking_reject, reason=payload.reason)


@router.post(
    "/bookings/{uuid:booking_uuid}/check-in",
    response={200: BookingOut, **error_responses(403, 404, 422)},
    summary="Check in (the booker with the door's code, or staff on their behalf)",
)
def booking_check_in(request, booking_uuid: UUID, payload: CheckInIn):
    return _decide(request, booking_uuid, checkin.booking_check_in, door_token=payload.door_token)


# --- waiting list and feeds ------------------------------------------------------------------


@router.post(
    "/spaces/{uuid:space_uuid}/waitlist",
    response={201: WaitlistOut, **error_responses(403, 404, 422)},
    summary="Wait for a taken slot",
)
def waitlist_add(request, space_uuid: UUID, payload: WaitlistIn):
    actor = request.auth
    space = space_get(actor=actor, uuid=space_uuid)
    entry = waitlist.waitlist_join(actor=actor, space=space, **payload.dict())
    return Status(201, waitlist_get(actor=actor, uuid=entry.uuid))


@router.get(
    "/waitlist/mine",
    response={200: list[WaitlistOut], **error_responses(422)},
    summary="My open waiting-list entries",
)
@paginate(PageNumberPagination)
def waitlist_mine(request):
    return waitlist_list_mine(actor=request.auth)


@router.post(
    "/waitlist/{uuid:entry_uuid}/claim",
    response={201: BookingOut, **error_responses(403, 404, 409, 422)},
    summary="Take up a slot offered to me",
)
def waitlist_claim(request, entry_uuid: UUID):
    actor = request.auth
    entry = waitlist_get(actor=actor, uuid=entry_uuid)
    try:
        booking = waitlist.waitlist_claim(actor=actor, entry=entry)
    except SlotTaken as exc:
        return _conflict(exc)
    return Status(201, _fetch_booking(actor, booking.uuid))


@router.post(
    "/waitlist/{uuid:entry_uuid}/withdraw",
    response={200: WaitlistOut, **error_responses(404, 422)},
    summary="Leave the waiting list",
)
def waitlist_withdraw(request, entry_uuid: UUID):
    actor = request.auth
    entry = waitlist_get(actor=actor, uuid=entry_uuid)
    waitlist.waitlist_withdraw(actor=actor, entry=entry)
    return waitlist_get(actor=actor, uuid=entry_uuid)


@router.get(
    "/feeds",
    response={200: FeedsOut, **error_responses()},
    summary="My calendar feed address",
    description="Each space's feed address is in its detail (`feed_url`).",
)
def feeds(request):
    token = personal_feed_token(user=request.auth)
    return {"personal_feed_url": _abs(request, "spaces:my-feed", token)}
