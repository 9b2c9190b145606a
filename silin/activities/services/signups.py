"""Signing up for an event: confirmed while places remain, else onto the waiting list in
arrival order; cancelling, which offers the freed places to the first person waiting for a
limited time (then the next); accepting an offer; recording attendance.

Every write that changes who holds places runs in one short transaction that first locks
the event's row (`common.lock_event`) and counts the places under that lock: the
confirmed places never exceed the capacity, however many requests arrive at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Set
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from silin.activities import permissions as perms
from silin.activities.models import Event, SignUp
from silin.activities.services import common
from silin.activities.services.common import ActivityError, places_taken, tally
from silin.activities.services.notices import event_params, notify, tell
from silin.activities.services.reminders import schedule_reminders_for, schedule_signup_reminders
from silin.core import audit
from silin.lib.dates import age_on
from silin.lib.prepared import insert
from silin.spaces.permissions import homes
from silin.spaces.services.common import enqueue_at, tasks_commit_with_data

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident


def window_problem(event: Event, now: dt.datetime) -> str:
    """Why sign-up is not open now ("" when it is)."""
    if event.state != Event.State.PUBLISHED:
        return _("This activity is not open for sign-up.")
    if event.starts_at <= now:
        return _("This activity has already started.")
    if event.signup_opens_at and now < event.signup_opens_at:
        return _("Sign-up opens on %(when)s.") % {
            "when": timezone.localtime(event.signup_opens_at).strftime("%Y-%m-%d %H:%M")
        }
    if event.signup_closes_at and now >= event.signup_closes_at:
        return _("Sign-up closed on %(when)s.") % {
            "when": timezone.localtime(event.signup_closes_at).strftime("%Y-%m-%d %H:%M")
        }
    return ""


def eligibility_problem(event: Event, person: User, today: dt.date) -> str:
    """Why `person` may not take part ("" when they may): age range, tags, compounds."""
    return _problem(
        event,
        lambda: person.resident if person.resident_id else None,
        lambda: {h.compound_id for h in homes(person) if h.compound_id is not None},
        lambda: perms.street_ids(person),
        today,
    )


def resident_problem(event: Event, resident: Resident, today: dt.date) -> str:
    """The same for a resident of the register signed up by someone else."""
    return _problem(
        event,
        lambda: resident,
        lambda: {resident.household.compound_id},
        lambda: {resident.community.street_id},
        today,
    )


def _problem(
    event: Event,
    resident: Callable[[], Resident | None],
    compound_ids: Callable[[], set[int]],
    street_ids: Callable[[], Set[int]],
    today: dt.date,
) -> str:
    """Each part is read only when the event asks for it (most events ask for none)."""
    if event.min_age is not None or event.max_age is not None:
        record = resident()
        if record is None:
            return _("This activity has an age range, and we do not know your age.")
        age = age_on(record.birth_date, today)
        if event.min_age is not None and age < event.min_age:
            return _("This activity is for people aged %(age)d and over.") % {"age": event.min_age}
        if event.max_age is not None and age > event.max_age:
            return _("This activity is for people aged up to %(age)d.") % {"age": event.max_age}
    if problem := tags_problem(event, resident):
        return problem
    limited = getattr(event, "has_compounds", True)  # read with the event (`event_for`)
    allowed = set(event.compounds.values_list("pk", flat=True)) if limited else set()
    if allowed and not allowed & compound_ids():
        return _("This activity is only open to residents of some compounds.")
    if event.community.street_id not in street_ids():
        return _("This activity is for residents of another street.")
    return ""


def tags_problem(event: Event, resident: Callable[[], Resident | None]) -> str:
    """Why the resident does not carry any of the event's required register tags ("" if
    they do)."""
    if not getattr(event, "has_required_tags", True):  # read with the event (`event_for`)
        return ""
    required = list(event.required_tags.all())
    if not required:
        return ""
    record = resident()
    if record is not None and record.tags.filter(pk__in=[t.pk for t in required]).exists():
        return ""
    return _("This activity is for residents registered as: %(tags)s.") % {
        "tags": _list(t.label for t in required)
    }


def _list(names: Iterable[str]) -> str:
    return _(", ").join(names)


def companions_problem(event: Event, companions: int) -> str:
    if companions < 0:
        return _("The number of companions cannot be negative.")
    if companions > event.max_companions:
        if not event.max_companions:
            return _("This activity takes no companions.")
        return _("At most %(n)d companions may come with one sign-up.") % {
            "n": event.max_companions
        }
    return ""


def _state_for(event: Event, places: int, counted: common.Tally) -> str:
    """Under the event's lock: confirmed if the places fit, else waiting (if it may)."""
    if counted.taken + places <= event.capacity:
        return SignUp.State.CONFIRMED
    if event.waiting_list:
        return SignUp.State.WAITING
    raise ActivityError(_("This activity is full and has no waiting list."))


def snapshot(s: SignUp) -> dict[str, object]:
    snap: dict[str, object] = {
        "event": str(s.event.uuid),
        "person": s.person_id,
        "companions": s.companions,
        "state": s.state,
    }
    # Who else it may be (a guest's name stays out of the log: the sign-up holds it).
    if s.resident_id:
        snap["resident"] = s.resident_id
    if s.guest_name:
        snap["guest"] = True
    if s.walk_in:
        snap["walk_in"] = True
    return snap


def _schedule_reminders(signup_id: int, starts_at: dt.datetime) -> None:
    """A confirmed sign-up's reminders: in its transaction when the task rows live in the
    same database (they commit or roll back with it, in the same INSERT round trip as
    nothing else), otherwise once committed."""
    if tasks_commit_with_data():
        schedule_reminders_for([(signup_id, starts_at)])
    else:
        transaction.on_commit(lambda: schedule_reminders_for([(signup_id, starts_at)]))


def _refuse_early(
    event: Event, companions: int, now: dt.datetime, eligibility: Callable[[], str]
) -> None:
    """What refuses a sign-up before any lock: too many companions, the window, eligibility."""
    if problem := companions_problem(event, companions):
        raise ActivityError({"companions": [problem]})
    if problem := window_problem(event, now):
        raise ActivityError(problem)
    if problem := eligibility():
        raise ActivityError(problem)


def _write(
    *, actor: User, signup: SignUp, who: tuple[str, int], now: dt.datetime, already: str
) -> SignUp:
    """Under the event's lock: confirmed while the places fit, else waiting; saved and
    audited, reminded when confirmed (`who` finds an earlier live sign-up)."""
    event = common.lock_event(signup.event)
    signup.event = event
    if problem := window_problem(event, now):  # cancelled a moment ago
        raise ActivityError(problem)
    # One query under the lock: the places held, the waiting list, an earlier sign-up.
    counted = tally(event, now, who)
    if counted.has_live:
        raise ActivityError(already)
    signup.state = _state_for(event, signup.places, counted)
    if signup.state == SignUp.State.WAITING:
        # Every sign-up waiting now came before this one (they were written under this
        # lock, in this order): its place on the list, without counting again.
        signup.known_position = counted.waiting + 1  # type: ignore[attr-defined]
    try:
        # No savepoint: a refusal by the unique constraint (the same person's second
        # request) rolls the whole transaction back, as the ActivityError leaves it.
        insert([signup])  # the INSERT compiled once (`lib.prepared`)
    except IntegrityError as exc:
        raise ActivityError(already) from exc
    audit.record(
        actor=actor,
        action="create",
        obj=signup,
        changes=audit.diff({}, snapshot(signup)),
        detail=f"on behalf of {signup.name}" if signup.signed_up_by_id else "",
    )
    confirmed = signup.state == SignUp.State.CONFIRMED
    if confirmed and signup.person_id and event.state == Event.State.PUBLISHED:
        _schedule_reminders(signup.pk, event.starts_at)
    return signup


@transaction.atomic
def signup_create(
    *, actor: User, event: Event, companions: int = 0, person: User | None = None
) -> SignUp:
    """Sign `person` (default: the actor) up with `companions`; a worker running the event
    may sign up someone else (on behalf, audited and told)."""
    person = person or actor
    on_behalf = person.pk != actor.pk
    if on_behalf and not perms.organises(actor, event):
        raise PermissionDenied
    now = timezone.now()
    _refuse_early(
        event, companions, now, lambda: eligibility_problem(event, person, timezone.localdate())
    )
    signup = SignUp(
        event=event,
        person=person,
        signed_up_by=actor if on_behalf else None,
        companions=companions,
    )
    already = (
        _("%(name)s is already signed up for this activity.") % {"name": person.name}
        if on_behalf
        else _("You are already signed up for this activity.")
    )
    _write(actor=actor, signup=signup, who=("person_id", person.pk), now=now, already=already)
    if on_behalf:
        notify(
            person,
            "activity_signed_up_for_you",
            event_params(signup.event, by=actor.name, waiting=signup.state == SignUp.State.WAITING),
            sms=True,
        )
    return signup


@transaction.atomic
def signup_for_resident(
    *, actor: User, event: Event, resident: Resident, companions: int = 0
) -> SignUp:
    """A worker running the event signs up a resident of the register they may see: under
    the resident's account when there is one (who is told), otherwise on the register record
    (a resident with no phone), when the worker hears of offers and changes for them."""
    if not perms.organises(actor, event) or not perms.sees_resident(actor, resident):
        raise PermissionDenied
    if account := account_of(resident):
        return signup_create(actor=actor, event=event, companions=companions, person=account)
    if resident.status != resident.Status.LIVING:
        raise ActivityError(_("%(name)s no longer lives here.") % {"name": resident.name})
    now = timezone.now()
    _refuse_early(
        event, companions, now, lambda: resident_problem(event, resident, timezone.localdate())
    )
    signup = SignUp(event=event, resident=resident, signed_up_by=actor, companions=companions)
    already = _("%(name)s is already signed up for this activity.") % {"name": resident.name}
    return _write(
        actor=actor, signup=signup, who=("resident_id", resident.pk), now=now, already=already
    )


def account_of(resident: Resident) -> User | None:
    """The resident's own active account, if they have one."""
    from silin.accounts.models import User

    return User.objects.filter(resident=resident, is_active=True).first()


def _require_own_or_run(actor: User, signup: SignUp) -> None:
    if signup.person_id != actor.pk and not perms.organises(actor, signup.event):
        raise PermissionDenied


def _relock(signup: SignUp) -> tuple[Event, SignUp]:
    event = common.lock_event(signup.event)
    fresh = SignUp.objects.select_related("person", "resident", "signed_up_by").get(pk=signup.pk)
    fresh.event = event
    return event, fresh


@transaction.atomic
def signup_cancel(*, actor: User, signup: SignUp) -> SignUp:
    """Withdraw a sign-up (confirmed or waiting) before the activity starts; freed places
    are offered to the first person waiting."""
    _require_own_or_run(actor, signup)
    event, signup = _relock(signup)
    if signup.state not in (SignUp.State.CONFIRMED, SignUp.State.WAITING):
        raise ActivityError(_("This sign-up cannot be cancelled any more."))
    now = timezone.now()
    deadline = event.signup_closes_at or event.starts_at
    if now >= deadline and not perms.organises(actor, event):
        raise ActivityError(_("It is too late to cancel: please tell the organiser."))
    before = signup.state
    signup.state = SignUp.State.CANCELLED
    signup.offer_expires_at = None
    signup.save(update_fields=["state", "offer_expires_at", "updated_at"])
    audit.record(actor=actor, action="update", obj=signup, changes={"state": [before, "cancelled"]})
    offer_free_places(event, now=now)
    return signup


def offer_free_places(event: Event, *, now: dt.datetime | None = None) -> SignUp | None:
    """Inside the caller's locked transaction: offer the free places to the first person
    waiting (in arrival order) whose party fits, until they accept or the offer lapses."""
    now = now or timezone.now()
    if event.state != Event.State.PUBLISHED or event.starts_at <= now:
        return None
    waiting = SignUp.objects.filter(event=event, state=SignUp.State.WAITING).select_related(
        "person", "resident", "signed_up_by"
    )
    if waiting.filter(offer_expires_at__gt=now).exists():
        return None  # one offer at a time, in order
    first = waiting.filter(offer_expires_at__isnull=True).order_by("created_at", "pk").first()
    if first is None:
        return None
    if places_taken(event, now) + first.places > event.capacity:
        return None
    expires = min(now + dt.timedelta(hours=event.offer_hours), event.starts_at)
    first.offer_expires_at = expires
    first.save(update_fields=["offer_expires_at", "updated_at"])
    audit.record(
        actor=None,
        action="update",
        obj=first,
        changes={"offer_expires_at": [None, expires.isoformat()]},
        detail="offered a freed place",
    )
    tell(first, "activity_offer", event_params(event, deadline=expires.isoformat()), sms=True)
    signup_id = first.pk
    transaction.on_commit(lambda: enqueue_at(signup_offer_lapse_task, expires, signup_id))
    return first


@transaction.atomic
def signup_accept_offer(*, actor: User, signup: SignUp) -> SignUp:
    _require_own_or_run(actor, signup)
    event, signup = _relock(signup)
    now = timezone.now()
    if signup.state != SignUp.State.WAITING or signup.offer_expires_at is None:
        raise ActivityError(_("No place is offered to you for this activity."))
    if signup.offer_expires_at <= now:
        raise ActivityError(_("The time to accept this place has passed."))
    signup.state = SignUp.State.CONFIRMED
    signup.offer_expires_at = None
    signup.save(update_fields=["state", "offer_expires_at", "updated_at"])
    audit.record(
        actor=actor, action="update", obj=signup, changes={"state": ["waiting", "confirmed"]}
    )
    signup_id = signup.pk
    transaction.on_commit(lambda: schedule_signup_reminders([signup_id]))
    offer_free_places(event, now=now)
    return signup


@transaction.atomic
def signup_offer_lapse(*, signup_id: int, now: dt.datetime | None = None) -> SignUp | None:
    """An offer not accepted in time lapses: the sign-up is cancelled, the next is offered."""
    now = now or timezone.now()
    signup = SignUp.objects.filter(pk=signup_id).select_related("event").first()
    if signup is None:
        return None
    event, signup = _relock(signup)
    if (
        signup.state != SignUp.State.WAITING
        or signup.offer_expires_at is None
        or signup.offer_expires_at > now
    ):
        return signup
    signup.state = SignUp.State.CANCELLED
    signup.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=None,
        action="update",
        obj=signup,
        changes={"state": ["waiting", "cancelled"]},
        detail="offer lapsed",
    )
    tell(signup, "activity_offer_lapsed", event_params(event))
    offer_free_places(event, now=now)
    return signup


@task()
def signup_offer_lapse_task(signup_id: int) -> bool:
    return signup_offer_lapse(signup_id=signup_id) is not None


@transaction.atomic
def signup_mark(*, actor: User, signup: SignUp, attended: bool) -> SignUp:
    """The organiser records whether someone with a place came."""
    if not perms.organises(actor, signup.event):
        raise PermissionDenied
    event, signup = _relock(signup)
    if event.state == Event.State.CANCELLED or event.starts_at > timezone.now() + dt.timedelta(
        hours=2
    ):
        raise ActivityError(_("Attendance is recorded from two hours before the start."))
    if signup.state not in (SignUp.State.CONFIRMED, SignUp.State.ATTENDED, SignUp.State.NO_SHOW):
        raise ActivityError(_("Only someone with a place can be marked as attended."))
    before = signup.state
    signup.state = SignUp.State.ATTENDED if attended else SignUp.State.NO_SHOW
    signup.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor, action="update", obj=signup, changes={"state": [before, signup.state]}
    )
    return signup
