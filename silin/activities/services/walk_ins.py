"""Walk-ins: people who come to an activity at the door without having signed up, added by
its organiser while attendance is recorded (from two hours before the start). A walk-in is
a resident found in the register (with or without an account of their own) or a guest
named at the door; they are recorded as having come at once. Walk-ins take places like
everyone else, under the event's lock: when the places are all held, the organiser closes
check-in first, which frees the places of those who did not come.

Someone already signed up is checked in instead of being added twice."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import Event, SignUp
from silin.activities.services.checkin import OPENS_BEFORE
from silin.activities.services.common import ActivityError, iso, lock_event, tally
from silin.activities.services.signups import (
    account_of,
    companions_problem,
    eligibility_problem,
    resident_problem,
    snapshot,
)
from silin.core import audit
from silin.lib.text import clean_text

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident


GUEST_NAME_LENGTH = 50  # SignUp.guest_name's max_length


def door_problem(event: Event, now: dt.datetime) -> str:
    """Why walk-ins cannot be added now ("" when they can)."""
    if event.state in (Event.State.DRAFT, Event.State.CANCELLED):
        return _("Walk-ins are added to a published activity.")
    if now < event.starts_at - OPENS_BEFORE:
        return _("Walk-ins are added from two hours before the start.")
    return ""


@transaction.atomic
def walk_in_add(
    *,
    actor: User,
    event: Event,
    resident: Resident | None = None,
    guest_name: str = "",
    companions: int = 0,
) -> tuple[SignUp, bool]:
    """Record that `resident` (or the guest `guest_name`) came with `companions`: the
    sign-up, and whether it was added (False: an existing sign-up was checked in)."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    if resident is not None and not perms.sees_resident(actor, resident):
        raise PermissionDenied
    guest_name = clean_text(guest_name)
    _check_input(event, resident, guest_name, companions)
    now = timezone.now()
    account = account_of(resident) if resident is not None else None
    event = lock_event(event)
    if problem := door_problem(event, now):
        raise ActivityError(problem)
    existing = (
        SignUp.objects.filter(event=event, state__in=SignUp.LIVE_STATES)
        .filter(_who(account, resident))
        .first()
    )
    if existing is not None:
        return _check_in_existing(actor, event, existing, now), False
    if resident is not None and (problem := _resident_refused(event, resident, account)):
        raise ActivityError(problem)
    counted = tally(event, now)
    places = 1 + companions
    if counted.taken + places > event.capacity:
        raise ActivityError(
            _(
                "No places are left (%(taken)d of %(capacity)d are held). Close check-in "
                "first to free the places of those who did not come."
            )
            % {"taken": counted.taken, "capacity": event.capacity}
        )
    signup = SignUp.objects.create(
        event=event,
        person=account,
        resident=resident if account is None else None,
        guest_name=guest_name if resident is None else "",
        walk_in=True,
        signed_up_by=actor,
        companions=companions,
        state=SignUp.State.ATTENDED,
        checked_in_at=now,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=signup,
        changes=audit.diff({}, snapshot(signup)),
        detail="walk-in added at the door",
    )
    return signup, True


def _check_input(event: Event, resident: Resident | None, guest_name: str, companions: int) -> None:
    if resident is None and not guest_name:
        raise ActivityError({"guest_name": [_("Enter the guest's name.")]})
    if len(guest_name) > GUEST_NAME_LENGTH:
        raise ActivityError({"guest_name": [_("A name has at most 50 characters.")]})
    if problem := companions_problem(event, companions):
        raise ActivityError({"companions": [problem]})


def _who(account: User | None, resident: Resident | None) -> Q:
    """Finds the walk-in's earlier sign-up (a guest is never found twice)."""
    if account is not None:
        return Q(person_id=account.pk)
    if resident is not None:
        return Q(resident_id=resident.pk)
    return Q(pk__in=[])


def _resident_refused(event: Event, resident: Resident, account: User | None) -> str:
    if resident.status != resident.Status.LIVING:
        return _("%(name)s no longer lives here.") % {"name": resident.name}
    today = timezone.localdate()
    if account is not None:
        return eligibility_problem(event, account, today)
    return resident_problem(event, resident, today)


def _check_in_existing(actor: User, event: Event, signup: SignUp, now: dt.datetime) -> SignUp:
    """Someone signed up came: checked in now (a waiting sign-up only if its places fit)."""
    if signup.state == SignUp.State.ATTENDED:
        return signup
    before_state, before_at = signup.state, signup.checked_in_at
    if signup.state == SignUp.State.WAITING:
        counted = tally(event, now)
        held = signup.places if signup.offer_expires_at and signup.offer_expires_at > now else 0
        if counted.taken - held + signup.places > event.capacity:
            raise ActivityError(
                _("%(name)s is on the waiting list and no places are left.") % {"name": signup.name}
            )
        signup.offer_expires_at = None
    signup.state = SignUp.State.ATTENDED
    signup.checked_in_at = now
    signup.save(update_fields=["state", "checked_in_at", "offer_expires_at", "updated_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=signup,
        changes={
            "state": [before_state, signup.state],
            "checked_in_at": [iso(before_at), iso(now)],
        },
        detail="checked in at the door",
    )
    return signup
