"""What every family of activity writes shares: the error, the event's row lock, helpers.

Sign-ups of one event are serialised: each write that changes who holds places first locks
the event's row (`SELECT ... FOR UPDATE` on PostgreSQL, under READ COMMITTED) or already
holds SQLite's single write lock (the database runs transactions `BEGIN IMMEDIATE`). The
places taken are then counted under that lock, so two requests can never both take the
last place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from silin.activities.models import Event, SignUp
from silin.lib import prepared
from silin.lib.prepared import Prepared

NON_FIELD = "__all__"


class ActivityError(ValidationError):
    """Bad input or a refused action: {field: [messages]}, messages already translated."""

    def __init__(self, errors: dict[str, list[str]] | str, field: str = NON_FIELD):
        if isinstance(errors, str):
            errors = {field: [errors]}
        super().__init__({k: [str(m) for m in v] for k, v in errors.items()})


def raise_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ActivityError(errors)


_LOCK_EVENT = Prepared(
    lambda pk: (
        Event.objects.select_for_update(of=("self",))
        .select_related("community__street", "item", "space")
        .filter(pk=pk)
    ),
    Event._meta.pk,
)


def lock_event(event: Event) -> Event:
    """Serialise the sign-up writes of one event (see the module docstring); the event read
    afresh under the lock (compiled once: `lib.prepared`)."""
    locked = _LOCK_EVENT.first(event.pk)
    if locked is None:
        raise Event.DoesNotExist
    return locked


def _held(now: dt.datetime) -> Q:
    """The sign-ups holding places: confirmed and attended, and the waiting offered some."""
    return Q(state__in=SignUp.TAKING_STATES) | Q(
        state=SignUp.State.WAITING, offer_expires_at__gt=now
    )


def places_taken(event: Event, now: dt.datetime | None = None) -> int:
    """Places held: confirmed and attended sign-ups, and the places offered to the waiting."""
    held = SignUp.objects.filter(event=event).filter(_held(now or timezone.now()))
    total = held.aggregate(people=Count("id"), companions=Sum("companions"))
    return int(total["people"] or 0) + int(total["companions"] or 0)


@dataclass(frozen=True)
class Tally:
    taken: int  # places held (as places_taken)
    waiting: int  # sign-ups on the waiting list
    has_live: bool  # `person` already has a live sign-up


def _tally_query(who: str) -> Prepared[Any]:
    """The counts of `tally` for one event, `now` and one person (`who` the field naming
    them: `person_id` or `resident_id`), compiled once."""

    def build(event_id: int, now: dt.datetime, who_id: int) -> QuerySet[Any, Any]:
        return (
            SignUp.objects.filter(event_id=event_id)
            .values("event_id")
            .annotate(
                people=Count("id", filter=_held(now)),
                companions=Sum("companions", filter=_held(now)),
                waiting=Count("id", filter=Q(state=SignUp.State.WAITING)),
                mine=Count("id", filter=Q(**{who: who_id}, state__in=SignUp.LIVE_STATES)),
            )
            .order_by()
        )

    return Prepared(
        build,
        prepared.field(SignUp, "event"),
        prepared.field(SignUp, "offer_expires_at"),
        prepared.field(SignUp, who.removesuffix("_id")),
    )


_TALLY = {who: _tally_query(who) for who in ("person_id", "resident_id")}


def tally(event: Event, now: dt.datetime, who: tuple[str, int] | None = None) -> Tally:
    """Under the event's lock, in one query: the places held, the waiting list's length and
    whether `who` (`("person_id", pk)` or `("resident_id", pk)`) is already signed up (what
    a new sign-up needs to know)."""
    field, pk = who or ("person_id", 0)
    found = _TALLY[field].rows(event.pk, now, pk)
    _event, people, companions, waiting, mine = found[0] if found else (None, 0, 0, 0, 0)
    return Tally(
        taken=int(people or 0) + int(companions or 0),
        waiting=int(waiting or 0),
        has_live=bool(mine),
    )


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def uuid_of(obj: Any) -> str | None:
    return str(obj.uuid) if obj is not None else None
