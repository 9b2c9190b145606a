"""Events: created from a catalogue item (the space booked through the spaces services for
the event's whole time), published, their capacity changed, cancelled (everyone told, the
booking released), and moved on to running and done when their time comes."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from silin.activities import permissions as perms
from silin.activities.models import Event, SignUp
from silin.activities.services.checkin import mark_no_shows
from silin.activities.services.common import (
    ActivityError,
    iso,
    lock_event,
    places_taken,
    raise_errors,
    uuid_of,
)
from silin.activities.services.notices import event_params, tell
from silin.activities.services.signups import offer_free_places
from silin.core import audit
from silin.lib import signing
from silin.spaces.models import Booking
from silin.spaces.services import bookings
from silin.spaces.services.common import SpaceError, aware, enqueue_at

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.activities.models import CatalogueItem
    from silin.organizations.models import Organization
    from silin.people.models import Tag
    from silin.places.models import Community, Compound
    from silin.spaces.models import Space

MAX_CAPACITY = 2000


@dataclass
class EventData:
    community: Community
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    title: str = ""
    description: str = ""
    organiser_kind: str = Event.Organiser.COMMUNITY
    compound: Compound | None = None
    organization: Organization | None = None
    space: Space | None = None
    place_text: str = ""
    signup_opens_at: dt.datetime | None = None
    signup_closes_at: dt.datetime | None = None
    min_age: int | None = None
    max_age: int | None = None
    compounds: list[Compound] = field(default_factory=list)
    # Residents carrying at least one of these register tags may sign up (none: anyone).
    required_tags: list[Tag] = field(default_factory=list)
    max_companions: int = 0
    waiting_list: bool = True


def _state(e: Event) -> dict[str, Any]:
    return {
        "title": e.title,
        "item": uuid_of(e.item),
        "state": e.state,
        "starts_at": iso(e.starts_at),
        "ends_at": iso(e.ends_at),
        "capacity": e.capacity,
        "space": uuid_of(e.space),
        "place_text": e.place_text,
        "series": uuid_of(e.series),
    }


def _check(data: EventData, now: dt.datetime) -> dict[str, list[str]]:
    errors = _check_time(data, now)
    errors.update(_check_who(data))
    return errors


def _check_time(data: EventData, now: dt.datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.starts_at <= now:
        errors.setdefault("starts_at", []).append(_("An activity cannot start in the past."))
    if data.ends_at <= data.starts_at:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))
    if not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = [
            _("The number of places must be between 1 and %(max)d.") % {"max": MAX_CAPACITY}
        ]
    if data.space is None and not data.place_text.strip():
        errors["place_text"] = [_("Choose a space or say where the activity takes place.")]
    if data.space is not None and data.place_text.strip():
        errors["place_text"] = [_("Choose either a space or a place outside, not both.")]
    opens, closes = data.signup_opens_at, data.signup_closes_at
    if opens and closes and closes <= opens:
        errors["signup_closes_at"] = [_("Sign-up must close after it opens.")]
    if closes and closes > data.starts_at:
        errors["signup_closes_at"] = [_("Sign-up must close by the time the activity starts.")]
    return errors


def _check_who(data: EventData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.compound is not None and data.compound.community_id != data.community.pk:
        errors["compound"] = [_("This compound is not in the community.")]
    if data.organiser_kind == Event.Organiser.COMMITTEE and data.compound is None:
        errors["compound"] = [_("Say which compound's committee organises it.")]
    if data.organiser_kind == Event.Organiser.ORGANIZATION and data.organization is None:
        errors["organization"] = [_("Say which organisation organises it.")]
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors["max_age"] = [_("The oldest age cannot be below the youngest age.")]
    if data.max_companions > 10:
        errors["max_companions"] = [_("At most 10 companions per sign-up.")]
    for c in data.compounds:
        if c.community.street_id != data.community.street_id:
            errors["compounds"] = [_("Only compounds of this street can be chosen.")]
    return errors


def _book_space(actor: User, event: Event, data: EventData) -> Booking:
    assert data.space is not None
    try:
        return bookings.book_slot(
            actor=actor,
            space=data.space,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            purpose=event.title[:200],
            attendees=min(data.capacity, data.space.capacity),
            booker=None,
            household=None,
            organization=None,
            overlap_ok=True,
        )
    except SpaceError as exc:
        # The space's own message (taken at that time, closed, outside its hours ...).
        raise ActivityError({"space": list(exc.messages)}) from exc


@transaction.atomic
def event_create(*, actor: User, item: CatalogueItem, data: EventData) -> Event:
    """A draft event of `item`; a space is booked for its whole time now, so it is held."""
    if not perms.may_organise_at(actor, data.community, getattr(data.compound, "pk", None)):
        raise PermissionDenied
    data.starts_at, data.ends_at = aware(data.starts_at), aware(data.ends_at)
    errors = _check(data, timezone.now())
    if item.street_id != data.community.street_id:
        errors["item"] = [_("This catalogue item belongs to another street.")]
    raise_errors(errors)
    event = Event(
        item=item,
        title=data.title.strip() or item.title,
        description=data.description or item.description,
        organiser_kind=data.organiser_kind,
        community=data.community,
        compound=data.compound,
        organization=data.organization,
        space=data.space,
        place_text=data.place_text.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        capacity=data.capacity,
        signup_opens_at=data.signup_opens_at,
        signup_closes_at=data.signup_closes_at,
        min_age=data.min_age if data.min_age is not None else item.min_age,
        max_age=data.max_age if data.max_age is not None else item.max_age,
        max_companions=data.max_companions,
        waiting_list=data.waiting_list,
        created_by=actor,
    )
    if data.space is not None:
        event.booking = _book_space(actor, event, data)
    event.save()
    if data.compounds:
        event.compounds.set(data.compounds)
    if data.required_tags:
        event.required_tags.set(data.required_tags)
    audit.record(actor=actor, action="create", obj=event, changes=audit.diff({}, _state(event)))
    return event


def _require_run(actor: User, event: Event) -> None:
    if not perms.organises(actor, event):
        raise PermissionDenied


@transaction.atomic
def event_publish(*, actor: User, event: Event) -> Event:
    _require_run(actor, event)
    event = lock_event(event)
    if event.state != Event.State.DRAFT:
        raise ActivityError(_("Only a draft can be published."))
    if event.starts_at <= timezone.now():
        raise ActivityError({"starts_at": [_("An activity cannot start in the past.")]})
    if event.booking_id and event.booking and event.booking.status not in Booking.CONFIRMED_STATES:
        raise ActivityError(
            {"space": [_("The space is not confirmed yet: wait for its booking to be approved.")]}
        )
    event.state = Event.State.PUBLISHED
    event.published_at = timezone.now()
    event.checkin_private_key, event.checkin_public_key = signing.new_key_pair()
    event.save(update_fields=["state", "published_at", "checkin_private_key", "checkin_public_key"])
    audit.record(
        actor=actor,
        action="update",
        obj=event,
        changes={"state": [Event.State.DRAFT, Event.State.PUBLISHED]},
        detail="published",
    )
    eid = event.pk
    starts, ends = event.starts_at, event.ends_at
    transaction.on_commit(lambda: _schedule_advance(eid, starts, ends))
    return event


@transaction.atomic
def event_set_capacity(*, actor: User, event: Event, capacity: int) -> Event:
    """Change the number of places; never below the places already taken."""
    _require_run(actor, event)
    event = lock_event(event)
    if event.state in (Event.State.DONE, Event.State.CANCELLED):
        raise ActivityError(_("This activity is over; its places can no longer change."))
    taken = places_taken(event)
    if capacity < taken:
        raise ActivityError(
            {
                "capacity": [
                    _("%(taken)d places are taken already: the capacity cannot be lower.")
                    % {"taken": taken}
                ]
            }
        )
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ActivityError(
            {
                "capacity": [
                    _("The number of places must be between 1 and %(max)d.") % {"max": MAX_CAPACITY}
                ]
            }
        )
    before = event.capacity
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    audit.record(actor=actor, action="update", obj=event, changes={"capacity": [before, capacity]})
    if capacity > before:
        offer_free_places(event)
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str) -> Event:
    """Cancel: everyone signed up or waiting is told why, and the space is released."""
    _require_run(actor, event)
    reason = reason.strip()
    if not reason:
        raise ActivityError({"reason": [_("Say why the activity is cancelled.")]})
    event = lock_event(event)
    if event.state in (Event.State.DONE, Event.State.CANCELLED):
        raise ActivityError(_("This activity is over or already cancelled."))
    before = event.state
    event.state = Event.State.CANCELLED
    event.cancel_reason = reason[:300]
    event.save(update_fields=["state", "cancel_reason"])
    audit.record(
        actor=actor,
        action="update",
        obj=event,
        changes={"state": [before, event.state], "cancel_reason": ["", event.cancel_reason]},
        detail="cancelled",
    )
    live = list(
        SignUp.objects.filter(
            event=event, state__in=[SignUp.State.CONFIRMED, SignUp.State.WAITING]
        ).select_related("person", "resident", "signed_up_by")
    )
    SignUp.objects.filter(pk__in=[s.pk for s in live]).update(
        state=SignUp.State.CANCELLED, offer_expires_at=None, updated_at=timezone.now()
    )
    params = event_params(event, reason=event.cancel_reason)
    for s in live:
        tell(s, "activity_cancelled", params, sms=True)
    booking = Booking.objects.filter(pk=event.booking_id).first() if event.booking_id else None
    if booking is not None and booking.status in Booking.LIVE_STATES:
        # A booking the organiser may not cancel (someone else's, already started): the
        # activity is cancelled all the same and the space's staff release it.
        with contextlib.suppress(SpaceError, PermissionDenied):
            bookings.booking_cancel(actor=actor, booking=booking, reason=event.cancel_reason)
    return event


# --- running and done ------------------------------------------------------------------------


def _schedule_advance(event_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    enqueue_at(event_advance_task, starts_at, event_id)
    enqueue_at(event_advance_task, ends_at, event_id)


@transaction.atomic
def event_advance(*, event_id: int, now: dt.datetime | None = None) -> Event | None:
    """Move a published event to running once it starts, and to done once it ends."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().filter(pk=event_id).first()
    if event is None or event.state not in (Event.State.PUBLISHED, Event.State.RUNNING):
        return event
    target = (
        Event.State.DONE
        if event.ends_at <= now
        else Event.State.RUNNING
        if event.starts_at <= now
        else event.state
    )
    if target != event.state:
        audit.record(
            actor=None, action="update", obj=event, changes={"state": [event.state, target]}
        )
        event.state = target
        event.save(update_fields=["state"])
        if target == Event.State.DONE:
            # Waiting sign-ups never got a place: they lapse with the event. Those holding a
            # place who never checked in are recorded as not having come (a phone uploading
            # its offline check-ins later still turns them into attended).
            SignUp.objects.filter(event=event, state=SignUp.State.WAITING).update(
                state=SignUp.State.CANCELLED, offer_expires_at=None
            )
            mark_no_shows(event, actor=None, detail="the activity ended")
    return event


@task()
def event_advance_task(event_id: int) -> bool:
    return event_advance(event_id=event_id) is not None
