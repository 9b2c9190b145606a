"""Reads of bookings and waiting-list entries: mine, the approval queue, one booking, the
day sheet, the calendar feeds and the door, and the residents staff may book for."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from silin.accounts.models import User
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib.http import parse_uuid
from silin.organizations.models import Organization
from silin.people.models import Resident
from silin.spaces import permissions as perms
from silin.spaces.models import Booking, Space, WaitlistEntry
from silin.spaces.selectors.spaces import scope_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser

# How far back the calendar feeds go: a calendar app keeps what it has already read.
FEED_PAST_DAYS = 60

_BOOKING_RELATED = (
    "space__community",
    "space__compound",
    "booker",
    "booked_by",
    "household__compound",
    "household__unit__building",
    "organization",
)


def booking_list_mine(*, actor: Actor, upcoming: bool = False) -> QuerySet[Booking]:
    if not perms.authenticated(actor):
        return Booking.objects.none()
    qs = Booking.objects.filter(booker=actor).select_related(
        "space__community", "space__compound", "booked_by", "series"
    )
    if upcoming:
        qs = qs.filter(ends_at__gt=timezone.now(), status__in=Booking.LIVE_STATES)
    return qs.order_by("starts_at", "id")


def booking_approval_queue(*, actor: Actor) -> QuerySet[Booking]:
    """Requests still awaiting a decision in spaces `actor` runs or approves, soonest first."""
    if not perms.authenticated(actor):
        return Booking.objects.none()
    reach = (
        scope_q(scope_for(actor, Capability.MANAGE_SPACES))
        | Q(space__manager_id=actor.pk)
        | Q(space__in=Space.objects.filter(approvers=actor).values("pk"))
    )
    return (
        Booking.objects.filter(reach, status=Booking.Status.REQUESTED, ends_at__gt=timezone.now())
        .select_related(*_BOOKING_RELATED)
        .order_by("starts_at", "id")
    )


def booking_get(*, actor: Actor, uuid: object) -> Booking:
    value = parse_uuid(uuid)
    booking = (
        Booking.objects.select_related(*_BOOKING_RELATED, "space__community__street", "series")
        .filter(uuid=value)
        .first()
        if value
        else None
    )
    if booking is None or not perms.can_view_booking(actor, booking):
        raise Http404
    return booking


def booking_list_for_series(*, series_id: int) -> QuerySet[Booking]:
    """The bookings of a series just made, for the answer to the one who made it."""
    return Booking.objects.filter(series_id=series_id).select_related(
        "space", "booker", "booked_by", "series"
    )


def booking_day_sheet(*, actor: Actor, space: Space, day: dt.date) -> QuerySet[Booking]:
    """The day's bookings for the door sheet; only for those who run the space."""
    if not perms.manages(actor, space):
        raise Http404
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    statuses = (*Booking.LIVE_STATES, Booking.Status.NO_SHOW)
    return (
        Booking.objects.filter(space=space, status__in=statuses)
        .overlapping(start, start + dt.timedelta(days=1))
        .select_related(*_BOOKING_RELATED)
        .order_by("starts_at", "id")
    )


def last_booking_defaults(*, actor: User, space: Space) -> dict[str, Any]:
    """Purpose and number of people of the actor's last booking here, to prefill the form."""
    booking = (
        Booking.objects.filter(space=space, booker=actor)
        .order_by("-created_at")
        .only("purpose", "attendees")
        .first()
    )
    if booking is None:
        return {"purpose": "", "attendees": 1}
    return {"purpose": booking.purpose, "attendees": booking.attendees}


def own_bookings_overlapping(
    *, booker: User, starts_at: dt.datetime, ends_at: dt.datetime, other_than: Space
) -> list[Booking]:
    """The person's live bookings of other spaces over [starts_at, ends_at): one query."""
    return list(
        Booking.objects.filter(booker=booker, status__in=Booking.LIVE_STATES)
        .overlapping(starts_at, ends_at)
        .exclude(space_id=other_than.pk)
        .select_related("space")
        .order_by("starts_at", "id")
    )


# --- the calendar feeds: the token is the credential, so these take no actor -------------


def _feed_since(since: dt.datetime | None) -> dt.datetime:
    return since or timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)


def bookings_for_space_feed(*, space: Space, since: dt.datetime | None = None) -> QuerySet[Booking]:
    """A space's public feed: live bookings, and cancelled ones so calendars drop them."""
    shown = (*Booking.LIVE_STATES, Booking.Status.CANCELLED)
    return (
        Booking.objects.filter(space=space, ends_at__gte=_feed_since(since), status__in=shown)
        .select_related("space")
        .order_by("starts_at")
    )


def bookings_for_user_feed(*, user: User, since: dt.datetime | None = None) -> QuerySet[Booking]:
    """A person's own feed: every booking of theirs, whatever became of it."""
    return (
        Booking.objects.filter(booker=user, ends_at__gte=_feed_since(since))
        .select_related("space")
        .order_by("starts_at")
    )


# --- the door --------------------------------------------------------------------------------


def booking_at_door(*, actor: User, space: Space, now: dt.datetime | None = None) -> Booking | None:
    """The actor's booking of `space` closest to now (today), to name it on the check-in page."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(
            space=space,
            booker=actor,
            status__in=(Booking.Status.APPROVED, Booking.Status.CHECKED_IN),
            ends_at__gt=now - dt.timedelta(hours=1),
            starts_at__lt=now + dt.timedelta(hours=12),
        )
        .order_by("starts_at")
        .first()
    )


def booking_missed_at_door(
    *, actor: User, space: Space, now: dt.datetime | None = None
) -> Booking | None:
    """The actor's booking of today whose check-in closed, unless another is still to come
    today (then "not yet" says more than "missed")."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    grace = dt.timedelta(minutes=space.check_in_grace_minutes)
    mine = Booking.objects.filter(
        space=space, booker=actor, status=Booking.Status.APPROVED, starts_at__date=today
    )
    missed = mine.filter(starts_at__lt=now - grace).order_by("-starts_at").first()
    if missed is None or mine.filter(starts_at__gt=now).exists():
        return None
    return missed


# --- booking on someone's behalf -----------------------------------------------------------


def behalf_candidates(*, actor: Actor, name: str, limit: int = 15) -> QuerySet[Resident]:
    """Residents in the actor's register scope who have an account to book under."""
    name = name.strip()
    if not name:
        return Resident.objects.none()
    return (
        Resident.objects.visible_to(actor)
        .filter(name__contains=name, user__isnull=False, user__is_active=True)
        .select_related("user", "household")
        .order_by("name")[:limit]
    )


def behalf_resident(*, actor: Actor, value: str | None) -> Resident | None:
    """The resident chosen on the on-behalf form, if in the actor's register scope."""
    key = parse_uuid(value)
    if key is None:
        return None
    return (
        Resident.objects.visible_to(actor)
        .filter(uuid=key, user__isnull=False, user__is_active=True)
        .select_related("user", "household__unit__building", "household__compound")
        .first()
    )


def booker_by_uuid(*, uuid: object) -> User | None:
    """The active account a booking is made for, named by the API (staff on behalf)."""
    value = parse_uuid(uuid)
    return User.objects.filter(uuid=value, is_active=True).first() if value else None


def organization_by_uuid(*, uuid: object) -> Organization | None:
    """The organisation a booking is made for; the booking services check who may."""
    value = parse_uuid(uuid)
    if value is None:
        return None
    return Organization.objects.select_related("community").filter(uuid=value).first()


# --- waiting list ----------------------------------------------------------------------------


def waitlist_list_mine(*, actor: Actor) -> QuerySet[WaitlistEntry]:
    """The actor's open entries (waiting, or offered a slot) for times still to come."""
    if not perms.authenticated(actor):
        return WaitlistEntry.objects.none()
    return (
        WaitlistEntry.objects.filter(
            user=actor,
            state__in=(WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED),
            ends_at__gt=timezone.now(),
        )
        .select_related("space__community", "space__compound")
        .order_by("starts_at", "id")
    )


def waitlist_get(*, actor: Actor, uuid: object) -> WaitlistEntry:
    """One of the actor's own entries, in any state; 404 for anyone else's."""
    value = parse_uuid(uuid)
    entry = (
        WaitlistEntry.objects.select_related("space__community", "space__compound")
        .filter(uuid=value, user_id=actor.pk)
        .first()
        if value and perms.authenticated(actor)
        else None
    )
    if entry is None:
        raise Http404
    return entry
