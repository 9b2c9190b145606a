"""The reminders of a confirmed booking, a day and an hour before, and its release.

`schedule_booking_tasks` runs once a confirmed booking is committed: it queues the two
reminders and the no-show release (`checkin.booking_release_task`) with `run_after`. Each
task re-reads the booking and does nothing if it has changed since, so a stale one is
harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django_tasks import task

from silin.notifications.services import notification_send
from silin.spaces.models import Booking
from silin.spaces.services.checkin import booking_release_task
from silin.spaces.services.common import enqueue_all_at
from silin.spaces.services.notices import booking_params

REMINDERS = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1)}


def schedule_booking_tasks(booking_ids: Iterable[int]) -> None:
    """The reminders and the no-show release of confirmed bookings."""
    rows = Booking.objects.filter(pk__in=list(booking_ids)).values_list(
        "pk", "starts_at", "space__check_in_grace_minutes"
    )
    schedule_tasks_for(list(rows))


def schedule_tasks_for(rows: Iterable[tuple[int, dt.datetime, int]]) -> None:
    """The same from what the caller has in hand: (pk, starts_at, the space's grace
    minutes) of each booking; every task row in one INSERT."""
    now = timezone.now()
    calls: list[tuple[Any, dt.datetime, tuple[Any, ...]]] = []
    for pk, starts_at, grace in rows:
        for kind, before in REMINDERS.items():
            if starts_at - before > now:
                calls.append((booking_reminder_task, starts_at - before, (pk, kind)))
        calls.append((booking_release_task, starts_at + dt.timedelta(minutes=grace), (pk,)))
    enqueue_all_at(calls)


@task()
def booking_reminder_task(booking_id: int, kind: str) -> bool:
    """Remind the booker a day or an hour before; nothing if the booking is no longer on."""
    booking = (
        Booking.objects.select_related("space", "booker")
        .filter(pk=booking_id, status=Booking.Status.APPROVED)
        .first()
    )
    before = REMINDERS.get(kind)
    now = timezone.now()
    # Run far from when it was meant (the booking moved, the worker was down): skip.
    if (
        booking is None
        or before is None
        or not (booking.starts_at - before - dt.timedelta(minutes=30) <= now < booking.starts_at)
    ):
        return False
    notification_send(
        user=booking.booker,
        kind=f"booking_reminder_{kind}",
        params=booking_params(booking),
        sms=True,
    )
    return True
