"""Reminders of an activity: the day before and two hours before, to everyone with a place.

`schedule_signup_reminders` runs once a confirmed sign-up is committed (signed up with a
place, an offered place accepted) and `schedule_event_reminders` once an event's time
changes: they queue `signup_reminder_task` with `run_after`. Each task carries the start it
was queued for and re-reads the sign-up and its event when it runs, doing nothing if the
sign-up is no longer confirmed, the event is cancelled or has moved (the move queued new
tasks), or the moment is far from the one it was meant for (a worker that was down).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django_tasks import task

from silin.activities.models import Event, SignUp
from silin.activities.services.notices import event_params
from silin.notifications.services import notification_send
from silin.spaces.services.common import enqueue_all_at

REMINDERS = {"day": dt.timedelta(days=1), "soon": dt.timedelta(hours=2)}
# A reminder that runs later than this after its moment (the worker was down) is dropped.
LATE_BY = dt.timedelta(minutes=30)
NOTICE_KIND = "activity_reminder"


def schedule_signup_reminders(signup_ids: Iterable[int]) -> int:
    """Queue the reminders of confirmed sign-ups of published events; how many were queued."""
    rows = SignUp.objects.filter(
        pk__in=list(signup_ids),
        person__isnull=False,
        state=SignUp.State.CONFIRMED,
        event__state=Event.State.PUBLISHED,
    ).values_list("pk", "event__starts_at")
    return schedule_reminders_for(list(rows))


def schedule_reminders_for(rows: Iterable[tuple[int, dt.datetime]]) -> int:
    """The same from what the caller has in hand: (pk, the event's start) of confirmed
    sign-ups of published events; every task row in one INSERT."""
    now = timezone.now()
    calls: list[tuple[Any, dt.datetime, tuple[Any, ...]]] = []
    for pk, starts_at in rows:
        for kind, before in REMINDERS.items():
            if starts_at - before > now:
                calls.append(
                    (signup_reminder_task, starts_at - before, (pk, kind, starts_at.isoformat()))
                )
    return enqueue_all_at(calls)


def schedule_event_reminders(event_id: int) -> int:
    """Queue the reminders of everyone confirmed for an event whose time has changed; the
    tasks queued for the old time find it moved and do nothing."""
    ids = SignUp.objects.filter(
        event_id=event_id, state=SignUp.State.CONFIRMED, person__isnull=False
    ).values_list("pk", flat=True)
    return schedule_signup_reminders(ids)


def signup_remind(
    *, signup_id: int, kind: str, starts_at: str, now: dt.datetime | None = None
) -> bool:
    """Remind the person of a confirmed sign-up (a notice, and an SMS when they have a
    mobile); False, sending nothing, when the reminder no longer applies."""
    now = now or timezone.now()
    before = REMINDERS.get(kind)
    signup = SignUp.objects.select_related("event__space", "person").filter(pk=signup_id).first()
    if before is None or signup is None or signup.state != SignUp.State.CONFIRMED:
        return False
    if signup.person is None:
        return False  # a resident with no account: the worker who signed them up reminds
    event = signup.event
    if event.state != Event.State.PUBLISHED:
        return False
    if dt.datetime.fromisoformat(starts_at) != event.starts_at:
        return False  # moved since: the move queued the reminders of the new time
    moment = event.starts_at - before
    if not moment - LATE_BY <= now < moment + LATE_BY or now >= event.starts_at:
        return False
    notification_send(
        user=signup.person,
        kind=NOTICE_KIND,
        params=event_params(event, soon=kind == "soon", where=event.where),
        sms=True,
    )
    return True


@task()
def signup_reminder_task(signup_id: int, kind: str, starts_at: str) -> bool:
    return signup_remind(signup_id=signup_id, kind=kind, starts_at=starts_at)
