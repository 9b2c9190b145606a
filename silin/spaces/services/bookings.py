"""Booking one slot, and deciding on it: approve, reject, cancel.

`book_slot` is the one way a single booking is written (a direct booking, or a claimed
waiting-list offer); `insert_bookings`, `reject_requests` and `after_create` are shared
with `series`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.spaces import permissions as perms
from silin.spaces.models import Booking, BookingSeries, Space
from silin.spaces.selectors.availability import (
    SpaceCalendar,
    confirmed_overlap_exists,
)
from silin.spaces.selectors.spaces import space_has_other_approver
from silin.spaces.services.common import (
    SlotTaken,
    SpaceError,
    aware,
    iso,
    lock_space,
    raise_errors,
    relock_booking,
    taken_a_moment_ago,
    tasks_commit_with_data,
    uuid_of,
)
from silin.spaces.services.notices import booking_params, notify
from silin.spaces.services.offers import offer_free_slot
from silin.spaces.services.policy import (
    Ask,
    already_booked_message,
    auto_approved,
    check_basics,
    check_own_overlaps,
    check_when,
    may_decide,
    quota_problem,
    resolve,
    slot_problem,
)
from silin.spaces.services.reminders import schedule_tasks_for

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.organizations.models import Organization
    from silin.places.models import Household


# --- writing bookings ------------------------------------------------------------------------


def _booking_state(b: Booking) -> dict[str, Any]:
    return {
        "space": uuid_of(b.space),
        "booker": uuid_of(b.booker),
        "booked_by": uuid_of(b.booked_by),
        "household": uuid_of(b.household),
        "organization": uuid_of(b.organization),
        "purpose": b.purpose,
        "attendees": b.attendees,
        "starts_at": iso(b.starts_at),
        "ends_at": iso(b.ends_at),
        "status": b.status,
        "decision_reason": b.decision_reason,
        "decision_code": b.decision_code,
    }


def new_booking(
    ask: Ask,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    status: str,
    series: BookingSeries | None = None,
) -> Booking:
    """An unsaved booking of `ask` for [starts_at, ends_at)."""
    space = ask.space
    return Booking(
        space=space,
        community_id=space.community_id,
        compound_id=space.compound_id,
        booker=ask.booker,
        household=ask.household,
        organization=ask.organization,
        booked_by=ask.booked_by,
        purpose=ask.purpose,
        attendees=ask.attendees,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        series=series,
        decided_by=ask.actor if status == Booking.Status.APPROVED else None,
        decided_at=timezone.now() if status == Booking.Status.APPROVED else None,
    )


def insert_bookings(bookings: list[Booking]) -> list[Booking]:
    """Save new bookings; a lost race on PostgreSQL's exclusion constraint is SlotTaken."""
    try:
        # One booking needs no savepoint: a lost race ends the caller's transaction with
        # SlotTaken anyway (two round trips fewer on the hot path).
        with transaction.atomic(savepoint=len(bookings) > 1):
            if len(bookings) == 1:
                bookings[0].save()
                return bookings
            return Booking.objects.bulk_create(bookings)
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise taken_a_moment_ago() from exc
        raise


def _save_status(booking: Booking, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            booking.save(update_fields=fields)
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise taken_a_moment_ago() from exc
        raise


def schedule(bookings: Iterable[Booking]) -> None:
    """Queue the reminders and the release of the confirmed ones: in the same transaction
    where the task rows live in the same database (they commit, or roll back, with the
    bookings; a worker sees them only once committed), otherwise once committed."""
    rows = [
        (b.pk, b.starts_at, b.space.check_in_grace_minutes)
        for b in bookings
        if b.status == Booking.Status.APPROVED
    ]
    if not rows:
        return
    if tasks_commit_with_data():
        schedule_tasks_for(rows)  # in this transaction: the rows commit with the booking
    else:
        transaction.on_commit(lambda: schedule_tasks_for(rows))


def reject_requests(
    requests: list[Booking], *, actor: User, reason: str = "", code: str = ""
) -> list[Booking]:
    """Reject the requests, each told why: in the words the actor wrote (`reason`), or by a
    `Booking.DecisionCode` rendered in the reader's language when read."""
    now = timezone.now()
    for r in requests:
        r.status = Booking.Status.REJECTED
        r.decision_reason, r.decision_code = reason, code
        r.decided_by = actor
        r.decided_at = now
        r.save(
            update_fields=["status", "decision_reason", "decision_code", "decided_by", "decided_at"]
        )
        changes: dict[str, Any] = {"status": [Booking.Status.REQUESTED, r.status]}
        if reason:
            changes["decision_reason"] = ["", reason]
        if code:
            changes["decision_code"] = ["", code]
        audit.record(
            actor=actor,
            action="update",
            obj=r,
            changes=changes,
            detail="rejected: overlaps an approved booking" if code else "rejected",
        )
        params = booking_params(r, reason=reason) if reason else booking_params(r, code=code)
        notify(r.booker, "booking_rejected", params, sms=True)
    return requests


def after_create(ask: Ask, bookings: list[Booking]) -> None:
    """Tell the person booked for and the manager asked to approve; schedule reminders."""
    first = bookings[0]
    if ask.booked_by is not None:
        more = len(bookings) - 1
        notify(
            ask.booker,
            "booking_made_for_you",
            booking_params(first, by=str(ask.actor), more=more),
            sms=True,
        )
    manager = ask.space.manager
    if first.status == Booking.Status.REQUESTED and manager and manager.pk != ask.actor.pk:
        notify(manager, "booking_requested", booking_params(first))
    schedule(bookings)


# --- one booking -----------------------------------------------------------------------------


def booking_create(
    *,
    actor: User,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    attendees: int,
    booker: User | None = None,
    household: Household | None = None,
    organization: Organization | None = None,
    overlap_ok: bool = False,
) -> Booking:
    """Book [starts_at, ends_at) of `space` for `booker` (default: the actor).

    If the person booked for is booked elsewhere at that time, `OwnOverlap` is raised:
    always where the space refuses such bookings, otherwise unless `overlap_ok` (the
    booker saw the other bookings and books anyway).
    """
    return book_slot(
        actor=actor,
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        attendees=attendees,
        booker=booker,
        household=household,
        organization=organization,
        overlap_ok=overlap_ok,
    )


def book_slot(
    *,
    actor: User,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    attendees: int,
    booker: User | None,
    household: Household | None,
    organization: Organization | None,
    skip_offer: int | None = None,
    overlap_ok: bool = False,
) -> Booking:
    """`booking_create`, in a transaction of its own or inside the caller's; `skip_offer`
    is the waiting-list entry being claimed, whose offer of the slot does not count
    against it.

    A slot that a confirmed booking already holds is refused before any lock is taken: a
    committed booking cannot go away under us in a way that would make the answer wrong
    (a cancellation a moment later is a race the booker lost fairly), and in a rush that
    is most requests, which then cost one indexed query instead of a transaction. Every
    other check, and the write, happen under the space's row lock.
    """
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    ask = resolve(
        actor=actor,
        space=space,
        booker=booker,
        household=household,
        organization=organization,
        purpose=purpose,
        attendees=attendees,
    )
    now = timezone.now()
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    errors = check_basics(ask, minutes)
    if when := check_when(ask.space, starts_at, now):
        errors.setdefault("starts_at", []).append(when)
    raise_errors(errors)
    if _confirmed_held(ask.space, starts_at, ends_at):
        raise SlotTaken({"starts_at": [already_booked_message()]})
    with transaction.atomic():
        return _book_locked(ask, starts_at, ends_at, now, minutes, skip_offer, overlap_ok)


def _confirmed_held(space: Space, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """The pre-check: read with the space when the caller asked for it (`space_get`'s
    `held_over`, the same interval), else one indexed query."""
    hint = getattr(space, "held_over", None)
    if hint is not None and hint[0] == starts_at and hint[1] == ends_at:
        return bool(hint[2])
    return confirmed_overlap_exists(space=space, starts_at=starts_at, ends_at=ends_at)


def _book_locked(
    ask: Ask,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    minutes: int,
    skip_offer: int | None,
    overlap_ok: bool,
) -> Booking:
    """The checks that need the space's lock, and the write."""
    ask.space = lock_space(ask.space)
    cal = SpaceCalendar.load(
        ask.space, starts_at, ends_at, with_overriders=True, booker=ask.booker, offers_at=now
    )
    problem = slot_problem(ask, cal, starts_at, ends_at, cal.offers, skip_offer=skip_offer)
    if problem is None:
        problem = quota_problem(ask, starts_at, minutes)
    if problem is not None:
        error_class = SlotTaken if problem.code == "taken" else SpaceError
        raise error_class({problem.field: [problem.message]})
    overlaps = check_own_overlaps(
        ask, starts_at, ends_at, overlap_ok=overlap_ok, overlaps=cal.own_elsewhere
    )
    status = Booking.Status.APPROVED if auto_approved(ask) else Booking.Status.REQUESTED
    booking = insert_bookings([new_booking(ask, starts_at, ends_at, status)])[0]
    # The answer names them; read once, here (see `own_overlaps_of`).
    booking.__dict__["_own_overlaps"] = overlaps
    audit.record(
        actor=ask.actor,
        action="create",
        obj=booking,
        changes=audit.diff({}, _booking_state(booking)),
    )
    if status == Booking.Status.APPROVED:
        reject_requests(
            cal.requests_overlapping(starts_at, ends_at),
            actor=ask.actor,
            reason=_("Another booking was confirmed for this time."),
        )
    after_create(ask, [booking])
    return booking


# --- decisions -------------------------------------------------------------------------------


def _not_awaiting(booking: Booking) -> SpaceError:
    return SpaceError(
        _("This request is no longer awaiting approval (it is now: %(status)s).")
        % {"status": booking.get_status_display()}
    )


@dataclass(frozen=True)
class Approval:
    """What approving did: the booking, how many overlapping requests it declined, and
    whether the approver approved their own request (allowed only when nobody else can)."""

    booking: Booking
    declined: int
    self_approved: bool


def _own_request(actor: User, booking: Booking) -> bool:
    return actor.pk in (booking.booker_id, booking.booked_by_id)


def _check_second_person(actor: User, booking: Booking) -> bool:
    """One's own request needs another approver; True when the actor is the only one."""
    if not _own_request(actor, booking):
        return False
    if space_has_other_approver(space=booking.space, actor=actor):
        raise SpaceError(
            _(
                "This is your own request: another person who approves bookings here must "
                "decide on it. It stays in their list of requests."
            )
        )
    return True


@transaction.atomic
def booking_approve(*, actor: User, booking: Booking, reason: str = "") -> Approval:
    """Approve a request; the requests it overlaps are rejected and told why.

    Nobody approves their own request while someone else may approve it; where the actor
    is the only approver of the space, it is approved and the audit entry says so.
    """
    if not may_decide(actor, booking.space):
        raise PermissionDenied
    space, booking = relock_booking(booking)
    if booking.status != Booking.Status.REQUESTED:
        raise _not_awaiting(booking)
    if booking.ends_at <= timezone.now():
        raise SpaceError(_("This request is for a time that has passed."))
    self_approved = _check_second_person(actor, booking)
    cal = SpaceCalendar.load(space, booking.starts_at, booking.ends_at)
    if cal.confirmed_overlap(booking.starts_at, booking.ends_at) is not None:
        raise SlotTaken(
            _("Another booking was confirmed for this time; this request cannot be approved.")
        )
    booking.status = Booking.Status.APPROVED
    booking.decision_reason = reason.strip()[:300]
    booking.decided_by, booking.decided_at = actor, timezone.now()
    _save_status(booking, ["status", "decision_reason", "decided_by", "decided_at"])
    changes: dict[str, Any] = {"status": [Booking.Status.REQUESTED, booking.status]}
    if self_approved:
        changes["self_approved"] = [False, True]
    audit.record(
        actor=actor,
        action="update",
        obj=booking,
        changes=changes,
        detail="self-approved: no other approver" if self_approved else "approved",
    )
    declined = reject_requests(
        cal.requests_overlapping(booking.starts_at, booking.ends_at, exclude_pk=booking.pk),
        actor=actor,
        code=Booking.DecisionCode.OTHER_APPROVED,
    )
    notify(booking.booker, "booking_approved", booking_params(booking), sms=True)
    schedule([booking])
    return Approval(booking=booking, declined=len(declined), self_approved=self_approved)


@transaction.atomic
def booking_reject(*, actor: User, booking: Booking, reason: str) -> Booking:
    if not may_decide(actor, booking.space):
        raise PermissionDenied
    if not (reason or "").strip():
        raise SpaceError({"reason": [_("Please give the reason; the person asking will see it.")]})
    _space, booking = relock_booking(booking)
    if booking.status != Booking.Status.REQUESTED:
        raise _not_awaiting(booking)
    reject_requests([booking], actor=actor, reason=reason.strip()[:300])
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking: Booking, reason: str = "") -> Booking:
    """Cancel a request or booking; a freed slot is offered to the waiting list."""
    if not perms.can_view_booking(actor, booking):
        raise PermissionDenied
    space, booking = relock_booking(booking)
    if booking.status not in (Booking.Status.REQUESTED, Booking.Status.APPROVED):
        raise SpaceError(
            _("This booking cannot be cancelled any more (it is: %(status)s).")
            % {"status": booking.get_status_display()}
        )
    if not perms.can_cancel_booking(actor, booking):
        raise SpaceError(
            _("A booking that has started can only be cancelled by the space's staff.")
        )
    held = booking.status == Booking.Status.APPROVED
    booking.status = Booking.Status.CANCELLED
    booking.decision_reason = (reason or "").strip()[:300]
    booking.decided_by, booking.decided_at = actor, timezone.now()
    booking.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=booking,
        changes={
            "status": [Booking.Status.APPROVED if held else Booking.Status.REQUESTED, "cancelled"]
        },
        detail="cancelled",
    )
    if actor.pk != booking.booker_id:
        notify(
            booking.booker,
            "booking_cancelled",
            booking_params(booking, reason=booking.decision_reason),
            sms=True,
        )
    if held:
        offer_free_slot(space, booking.starts_at, booking.ends_at)
    return booking
