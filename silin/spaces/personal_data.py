"""What Neighbour Spaces holds on a person, for their "My data" page (silin.people)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from silin.core import personal_data as pd
from silin.spaces.models import Booking, WaitlistEntry


def bookings(subject: pd.Subject) -> pd.Section | None:
    """The person's bookings (made by them or for them), newest first; two queries."""
    if subject.user is None:
        return None
    rows = (
        Booking.objects.filter(booker=subject.user)
        .select_related("space", "booked_by", "household__compound", "household__unit__building")
        .order_by("-starts_at", "-id")
    )
    records = [
        pd.Record(
            title=b.space.name,
            fields=[
                (_("Starts"), b.starts_at),
                (_("Ends"), b.ends_at),
                (_("Purpose"), b.purpose),
                (_("Attendees"), b.attendees),
                (_("Status"), b.get_status_display()),
                (_("Reason"), b.reason_text),
                (_("Booked by"), b.booked_by.name if b.booked_by else ""),
                (_("Household"), b.household.address_short if b.household else ""),
                (_("Checked in at"), b.checked_in_at),
                (_("Made at"), b.created_at),
            ],
        )
        for b in rows
    ]
    more = (reverse("spaces:booking-mine"), _("All my bookings"))
    return pd.Section(title=_("Space bookings"), records=records, more=more)


def waitlist(subject: pd.Subject) -> pd.Section | None:
    if subject.user is None:
        return None
    rows = (
        WaitlistEntry.objects.filter(user=subject.user)
        .select_related("space")
        .order_by("-starts_at", "-id")
    )
    records = [
        pd.Record(
            title=e.space.name,
            fields=[
                (_("Starts"), e.starts_at),
                (_("Ends"), e.ends_at),
                (_("Purpose"), e.purpose),
                (_("State"), e.get_state_display()),
                (_("Offer open until"), e.offer_expires_at),
                (_("Joined at"), e.created_at),
            ],
        )
        for e in rows
    ]
    return pd.Section(title=_("Space waiting lists"), records=records)


def register() -> None:
    pd.register("spaces.bookings", bookings, order=110)
    pd.register("spaces.waitlist", waitlist, order=111)
