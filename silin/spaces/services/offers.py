"""Offering freed slots to the waiting list, first come first served, and lapsed offers.

A slot is freed when a booking is cancelled or released, or when an offer of it lapses or
is withdrawn; each earliest entry whose slot is now wholly free is offered it for an hour
(`OFFER_MINUTES`), and a task lets the offer lapse to the next in line when it is not
claimed in time.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from silin.core import audit
from silin.spaces.models import Space, WaitlistEntry
from silin.spaces.selectors.availability import SpaceCalendar, waitlist_offers_holding
from silin.spaces.services.common import enqueue_at, lock_space
from silin.spaces.services.notices import notify, slot_params

OFFER_MINUTES = 60


def waitlist_offer(
    *, space: Space, starts_at: dt.datetime, ends_at: dt.datetime
) -> list[WaitlistEntry]:
    """Offer a freed range to the waiting list: each earliest entry whose slot is now free.

    Runs inside the caller's transaction (which holds the space's lock).
    """
    now = timezone.now()
    waiting = list(
        WaitlistEntry.objects.filter(
            space=space,
            state=WaitlistEntry.State.WAITING,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(starts_at__lt=now)
        .select_related("user")
        .order_by("created_at", "id")
    )
    if not waiting:
        return []
    lo = min(w.starts_at for w in waiting)
    hi = max(w.ends_at for w in waiting)
    cal = SpaceCalendar.load(space, lo, hi)
    held = waitlist_offers_holding(space=space, starts_at=lo, ends_at=hi, now=now)
    offered: list[WaitlistEntry] = []
    for entry in waiting:
        if cal.confirmed_overlap(entry.starts_at, entry.ends_at) is not None:
            continue
        if cal.blocked_for(entry.starts_at, entry.ends_at) is not None:
            continue
        if any(h.starts_at < entry.ends_at and h.ends_at > entry.starts_at for h in held):
            continue
        _offer(entry, now)
        held.append(entry)
        offered.append(entry)
    return offered


def offer_free_slot(space: Space, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """Offer what is left to come of a freed range (inside the caller's transaction)."""
    now = timezone.now()
    starts_at = max(starts_at, now)
    if ends_at > starts_at:
        waitlist_offer(space=space, starts_at=starts_at, ends_at=ends_at)


def _offer(entry: WaitlistEntry, now: dt.datetime) -> None:
    entry.state = WaitlistEntry.State.OFFERED
    entry.offered_at = now
    expires = min(now + dt.timedelta(minutes=OFFER_MINUTES), entry.ends_at)
    entry.offer_expires_at = expires
    entry.save(update_fields=["state", "offered_at", "offer_expires_at"])
    audit.record(
        actor=None,
        action="update",
        obj=entry,
        changes={"state": [WaitlistEntry.State.WAITING, entry.state]},
        detail="offered",
    )
    notify(
        entry.user,
        "waitlist_offer",
        slot_params(entry.space, entry.starts_at, entry.ends_at, deadline=expires),
        sms=True,
    )
    entry_id = entry.pk
    transaction.on_commit(lambda: enqueue_at(waitlist_offer_expire_task, expires, entry_id))


@transaction.atomic
def waitlist_expire_offer(*, entry_id: int) -> WaitlistEntry | None:
    """An offer not claimed in time lapses and goes to the next in line; None if stale."""
    entry = WaitlistEntry.objects.select_related("space").filter(pk=entry_id).first()
    if entry is None or entry.state != WaitlistEntry.State.OFFERED:
        return None
    space = lock_space(entry.space)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry_id)
    expires = entry.offer_expires_at
    if entry.state != WaitlistEntry.State.OFFERED or (expires and expires > timezone.now()):
        return None
    entry.state = WaitlistEntry.State.EXPIRED
    entry.save(update_fields=["state"])
    audit.record(
        actor=None,
        action="update",
        obj=entry,
        changes={"state": [WaitlistEntry.State.OFFERED, entry.state]},
        detail="offer expired",
    )
    offer_free_slot(space, entry.starts_at, entry.ends_at)
    return entry


@task()
def waitlist_offer_expire_task(entry_id: int) -> bool:
    return waitlist_expire_offer(entry_id=entry_id) is not None
