"""The waiting list, from the waiting person's side: join, claim an offer, withdraw.

How freed slots are offered to the list, and how offers lapse, is in `offers`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.spaces.models import Booking, Space, WaitlistEntry
from silin.spaces.selectors.availability import SpaceCalendar, waitlist_offers_holding
from silin.spaces.services.bookings import book_slot
from silin.spaces.services.common import SpaceError, aware, iso, lock_space, raise_errors
from silin.spaces.services.offers import waitlist_offer
from silin.spaces.services.policy import check_basics, check_when, resolve, slot_problem

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.organizations.models import Organization
    from silin.places.models import Household


@transaction.atomic
def waitlist_join(
    *,
    actor: User,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    attendees: int,
    household: Household | None = None,
    organization: Organization | None = None,
) -> WaitlistEntry:
    """Wait for a taken slot; it is offered, first come first served, when it is freed."""
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    ask = resolve(
        actor=actor,
        space=space,
        booker=None,
        household=household,
        organization=organization,
        purpose=purpose,
        attendees=attendees,
    )
    now = timezone.now()
    errors = check_basics(ask, int((ends_at - starts_at).total_seconds() // 60))
    if when := check_when(space, starts_at, now):
        errors.setdefault("starts_at", []).append(when)
    raise_errors(errors)
    cal = SpaceCalendar.load(space, starts_at, ends_at, with_overriders=True)
    taken = cal.confirmed_overlap(starts_at, ends_at) is not None or waitlist_offers_holding(
        space=space, starts_at=starts_at, ends_at=ends_at, now=now
    )
    if not taken:
        problem = slot_problem(ask, cal, starts_at, ends_at, [])
        raise SpaceError(
            {
                "starts_at": [
                    problem.message if problem else _("This time is free: book it directly.")
                ]
            }
        )
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                space=space,
                starts_at=starts_at,
                ends_at=ends_at,
                user=actor,
                household=ask.household,
                organization=ask.organization,
                purpose=ask.purpose,
                attendees=ask.attendees,
            )
    except IntegrityError as exc:
        raise SpaceError(_("You are already on the waiting list for this time.")) from exc
    audit.record(
        actor=actor,
        action="create",
        obj=entry,
        changes=audit.diff({}, {"starts_at": iso(starts_at), "ends_at": iso(ends_at)}),
    )
    return entry


@transaction.atomic
def waitlist_claim(*, actor: User, entry: WaitlistEntry) -> Booking:
    """Take up an offer: the slot is booked for the actor (approval rules as usual)."""
    if entry.user_id != actor.pk:
        raise PermissionDenied
    lock_space(entry.space)
    entry = WaitlistEntry.objects.select_for_update().select_related("space").get(pk=entry.pk)
    expires = entry.offer_expires_at
    if entry.state != WaitlistEntry.State.OFFERED or not expires or expires <= timezone.now():
        raise SpaceError(_("This offer is no longer open."))
    booking = book_slot(
        skip_offer=entry.pk,
        actor=actor,
        space=entry.space,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        purpose=entry.purpose,
        attendees=entry.attendees,
        booker=None,
        household=entry.household,
        organization=entry.organization,
        # They asked to wait for this very slot; only a space's refusal still applies.
        overlap_ok=True,
    )
    entry.state, entry.booking = WaitlistEntry.State.CLAIMED, booking
    entry.save(update_fields=["state", "booking"])
    audit.record(
        actor=actor,
        action="update",
        obj=entry,
        changes={"state": [WaitlistEntry.State.OFFERED, entry.state]},
        detail="claimed",
    )
    return booking


@transaction.atomic
def waitlist_withdraw(*, actor: User, entry: WaitlistEntry) -> WaitlistEntry:
    if entry.user_id != actor.pk:
        raise PermissionDenied
    space = lock_space(entry.space)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.state not in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
        raise SpaceError(_("This waiting-list entry is already closed."))
    was_offered = entry.state == WaitlistEntry.State.OFFERED
    before = entry.state
    entry.state = WaitlistEntry.State.WITHDRAWN
    entry.save(update_fields=["state"])
    audit.record(actor=actor, action="update", obj=entry, changes={"state": [before, entry.state]})
    if was_offered:
        waitlist_offer(space=space, starts_at=entry.starts_at, ends_at=entry.ends_at)
    return entry
