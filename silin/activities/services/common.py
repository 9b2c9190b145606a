"""What every family of activity writes shares: the error, the event's row lock, helpers.

Sign-ups of one event are serialised: each write that changes who holds places first locks
the event's row (`SELECT ... FOR UPDATE` on PostgreSQL, under READ COMMITTED) or already
holds SQLite's single write lock (the database runs transactions `BEGIN IMMEDIATE`). The
places taken are then counted under that lock, so two requests can never both take the
last place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from silin.activities.models import Event, SignUp

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


def lock_event(event: Event) -> Event:
    """Serialise the sign-up writes of one event (see the module docstring)."""
    return (
        Event.objects.select_for_update(of=("self",))
        .select_related("community__street", "item", "space")
        .get(pk=event.pk)
    )


def places_taken(event: Event, now: dt.datetime | None = None) -> int:
    """Places held: confirmed and attended sign-ups, and the places offered to the waiting."""
    now = now or timezone.now()
    held = SignUp.objects.filter(event=event).filter(
        Q(state__in=SignUp.TAKING_STATES) | Q(state=SignUp.State.WAITING, offer_expires_at__gt=now)
    )
    total = held.aggregate(people=Count("id"), companions=Sum("companions"))
    return int(total["people"] or 0) + int(total["companions"] or 0)


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def uuid_of(obj: Any) -> str | None:
    return str(obj.uuid) if obj is not None else None
