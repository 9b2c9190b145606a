"""The waiting list (services.waitlist, services.offers): join, offers, claims, lapses."""

from __future__ import annotations

import pytest
from django.utils import timezone

from silin.accounts.tests.factories import UserFactory, assign
from silin.core.roles import Role
from silin.notifications.models import Notification
from silin.spaces.models import Booking, WaitlistEntry
from silin.spaces.services.bookings import booking_cancel
from silin.spaces.services.common import SpaceError
from silin.spaces.services.offers import waitlist_expire_offer, waitlist_offer_expire_task
from silin.spaces.services.waitlist import waitlist_claim, waitlist_join
from silin.spaces.tests.factories import local
from silin.spaces.tests.helpers import book, errors_of

pytestmark = pytest.mark.usefixtures("english")


def test_the_booker_cancels_and_the_slot_is_offered_to_the_waiting_list(
    cast, world, room, django_capture_on_commit_callbacks
):
    booking = book(cast.liu, room, local(2, 9))
    waiting = UserFactory()
    assign(waiting, Role.RESIDENT, world.eton)
    entry = waitlist_join(
        actor=waiting,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="下棋",
        attendees=2,
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=cast.liu, booking=booking)
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED
    assert Notification.objects.filter(recipient=waiting, kind="waitlist_offer").exists()
    claimed = waitlist_claim(actor=waiting, entry=entry)
    assert claimed.booker == waiting and claimed.status == Booking.Status.APPROVED
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.CLAIMED and entry.booking == claimed


def test_an_offered_slot_is_held_for_the_waiting_person(cast, world, room):
    booking = book(cast.liu, room, local(2, 9))
    waiting = UserFactory()
    assign(waiting, Role.RESIDENT, world.eton)
    waitlist_join(
        actor=waiting,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="下棋",
        attendees=2,
    )
    booking_cancel(actor=cast.liu, booking=booking)
    with pytest.raises(SpaceError) as excinfo:
        book(cast.worker, room, local(2, 9))
    assert "offered to someone on the waiting list" in errors_of(excinfo)["starts_at"][0]


def test_joining_the_waiting_list_for_a_free_slot_is_refused(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        waitlist_join(
            actor=cast.liu,
            space=room,
            starts_at=local(2, 9),
            ends_at=local(2, 10),
            purpose="x",
            attendees=1,
        )
    assert errors_of(excinfo)["starts_at"] == ["This time is free: book it directly."]


def test_an_expired_offer_passes_to_the_next_in_line(cast, world, room):
    booking = book(cast.liu, room, local(2, 9))
    first, second = UserFactory(), UserFactory()
    for u in (first, second):
        assign(u, Role.RESIDENT, world.eton)
    e1 = waitlist_join(
        actor=first,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="a",
        attendees=1,
    )
    e2 = waitlist_join(
        actor=second,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="b",
        attendees=1,
    )
    booking_cancel(actor=cast.liu, booking=booking)
    e1.refresh_from_db()
    assert e1.state == WaitlistEntry.State.OFFERED
    assert waitlist_expire_offer(entry_id=e1.pk) is None  # not yet due: stale task
    WaitlistEntry.objects.filter(pk=e1.pk).update(offer_expires_at=timezone.now())
    waitlist_expire_offer(entry_id=e1.pk)
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert e1.state == WaitlistEntry.State.EXPIRED and e2.state == WaitlistEntry.State.OFFERED


def test_an_offer_expiry_task_for_a_claimed_entry_does_nothing(cast, world, room):
    from silin.spaces.models import WaitlistEntry

    entry = WaitlistEntry.objects.create(
        space=room,
        user=cast.liu,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="x",
        attendees=1,
        state=WaitlistEntry.State.CLAIMED,
    )
    assert waitlist_offer_expire_task.call(entry.pk) is False
