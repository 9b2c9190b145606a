"""Checking in to a booking, and releasing the bookings nobody checked in to.

The booker checks in with the code printed at the door (its QR link), from 15 minutes
before the start until the grace period is over; staff may check someone in until the end.
A confirmed booking not checked in within the grace period is released by a task and its
slot offered to the waiting list.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_tasks import task

from silin.core import audit
from silin.spaces import permissions as perms
from silin.spaces.models import Booking
from silin.spaces.selectors.spaces import space_by_door_token
from silin.spaces.services.common import SpaceError, hm, relock_booking, when_text
from silin.spaces.services.notices import booking_params, notify
from silin.spaces.services.offers import offer_free_slot

if TYPE_CHECKING:
    from silin.accounts.models import User

CHECK_IN_EARLY_MINUTES = 15


def check_in_window(booking: Booking, *, staff: bool) -> tuple[dt.datetime, dt.datetime]:
    """When the booking may be checked in: by its booker, or (longer) by staff."""
    opens = booking.starts_at - dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
    closes = (
        booking.ends_at
        if staff
        else booking.starts_at + dt.timedelta(minutes=booking.space.check_in_grace_minutes)
    )
    return opens, closes


def _check_in_error(booking: Booking, now: dt.datetime, *, staff: bool) -> str:
    if booking.status != Booking.Status.APPROVED:
        return _("Only a confirmed booking can be checked in (this one is: %(status)s).") % {
            "status": booking.get_status_display()
        }
    opens, closes = check_in_window(booking, staff=staff)
    if now < opens:
        return _("Check-in opens %(minutes)d minutes before the start, at %(time)s.") % {
            "minutes": CHECK_IN_EARLY_MINUTES,
            "time": hm(opens),
        }
    if now > closes:
        return _("Check-in closed at %(time)s.") % {"time": hm(closes)}
    return ""


@transaction.atomic
def booking_check_in(*, actor: User, booking: Booking, door_token: str | None = None) -> Booking:
    """Check a booking in: the booker with the door's code, or staff on their behalf."""
    staff = perms.manages(actor, booking.space)
    own = actor.pk == booking.booker_id
    if not (staff or own):
        raise PermissionDenied
    if not staff and not constant_time_compare(door_token or "", booking.space.door_token):
        raise SpaceError(
            {"door_token": [_("Scan the code at the door of this space to check in.")]}
        )
    _space, booking = relock_booking(booking)
    if booking.status == Booking.Status.CHECKED_IN:
        return booking
    message = _check_in_error(booking, timezone.now(), staff=staff)
    if message:
        raise SpaceError(message)
    booking.status = Booking.Status.CHECKED_IN
    booking.checked_in_at, booking.checked_in_by = timezone.now(), actor
    booking.save(update_fields=["status", "checked_in_at", "checked_in_by"])
    audit.record(
        actor=actor,
        action="update",
        obj=booking,
        changes={"status": [Booking.Status.APPROVED, booking.status]},
        detail="checked in" if own else "checked in on behalf",
    )
    return booking


def booking_check_in_at_door(*, actor: User, door_token: str) -> Booking:
    """The door's QR link: check in the actor's booking of that space that is due now."""
    space = space_by_door_token(token=door_token)
    now = timezone.now()
    early = now + dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
    late = now - dt.timedelta(minutes=space.check_in_grace_minutes)
    mine = Booking.objects.filter(space=space, booker_id=actor.pk).select_related("space")
    due = (
        mine.filter(status__in=Booking.CONFIRMED_STATES, starts_at__lte=early, starts_at__gte=late)
        .order_by("starts_at")
        .first()
    )
    if due is not None:
        return booking_check_in(actor=actor, booking=due, door_token=door_token)
    upcoming = (
        mine.filter(status=Booking.Status.APPROVED, starts_at__gt=early)
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        raise SpaceError(
            _("Your next booking here starts %(when)s; check-in opens %(minutes)d minutes before.")
            % {"when": when_text(upcoming.starts_at), "minutes": CHECK_IN_EARLY_MINUTES}
        )
    raise SpaceError(_("You have no booking here to check in to right now."))


@transaction.atomic
def booking_release_no_show(*, booking_id: int) -> Booking | None:
    """Release a booking not checked in within the grace period; None if nothing to do."""
    booking = Booking.objects.select_related("space__community").filter(pk=booking_id).first()
    if booking is None or booking.status != Booking.Status.APPROVED:
        return None
    space, booking = relock_booking(booking)
    now = timezone.now()
    grace_end = booking.starts_at + dt.timedelta(minutes=space.check_in_grace_minutes)
    if booking.status != Booking.Status.APPROVED or now < grace_end:
        return None
    booking.status = Booking.Status.NO_SHOW
    booking.decided_at = now
    booking.decision_code = Booking.DecisionCode.NOT_CHECKED_IN
    booking.save(update_fields=["status", "decided_at", "decision_code"])
    audit.record(
        actor=None,
        action="update",
        obj=booking,
        changes={"status": [Booking.Status.APPROVED, booking.status]},
        detail="released: not checked in",
    )
    notify(
        booking.booker,
        "booking_released",
        booking_params(booking, minutes=space.check_in_grace_minutes),
    )
    offer_free_slot(space, now, booking.ends_at)
    return booking


@task()
def booking_release_task(booking_id: int) -> bool:
    return booking_release_no_show(booking_id=booking_id) is not None
