"""Background work of Neighbour Spaces, run by `manage.py db_worker`.

There is no scheduler: work due later is enqueued with `run_after`. Each task re-reads the
booking or entry and does nothing if it has changed since (cancelled, moved, already checked
in), so a stale task is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger("silin.spaces")

REMINDERS = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1)}


def enqueue_at(t, when: dt.datetime, *args) -> bool:
    """Enqueue `t(*args)` to run at `when`; False where the backend cannot defer.

    The immediate backend (tests, some development set-ups) cannot run work later, and
    running a reminder or a release early would be wrong, so it is skipped there.
    """
    if when <= timezone.now():
        t.enqueue(*args)
        return True
    if not t.get_backend().supports_defer:
        logger.info("Not scheduling %s for %s: the task backend cannot defer.", t.name, when)
        return False
    t.using(run_after=when).enqueue(*args)
    return True


def schedule_booking_tasks(booking_ids: Iterable[int]) -> None:
    """The reminders and the no-show release of confirmed bookings."""
    from silin.spaces.models import Booking

    now = timezone.now()
    rows = Booking.objects.filter(pk__in=list(booking_ids)).values_list(
        "pk", "starts_at", "space__check_in_grace_minutes"
    )
    for pk, starts_at, grace in rows:
        for kind, before in REMINDERS.items():
            if starts_at - before > now:
                enqueue_at(booking_reminder_task, starts_at - before, pk, kind)
        enqueue_at(booking_release_task, starts_at + dt.timedelta(minutes=grace), pk)


@task()
def booking_reminder_task(booking_id: int, kind: str) -> bool:
    """Remind the booker a day or an hour before; nothing if the booking is no longer on."""
    from silin.notifications.services import in_language_of, notification_send
    from silin.spaces.models import Booking
    from silin.spaces.services import _booking_url, _describe

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
    with in_language_of(booking.booker):
        title = _("Tomorrow: your booking") if kind == "day" else _("In one hour: your booking")
        body = _describe(booking)
        title, body = str(title), str(body)
    notification_send(
        user=booking.booker,
        kind=f"booking_reminder_{kind}",
        title=title,
        body=body,
        url=_booking_url(booking),
        sms=True,
    )
    return True


@task()
def booking_release_task(booking_id: int) -> bool:
    from silin.spaces.services import booking_release_no_show

    return booking_release_no_show(booking_id=booking_id) is not None


@task()
def waitlist_offer_expire_task(entry_id: int) -> bool:
    from silin.spaces.services import waitlist_expire_offer

    return waitlist_expire_offer(entry_id=entry_id) is not None
