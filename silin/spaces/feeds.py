"""iCalendar feeds: one per space (its public feed token) and one per person (a personal token).

A calendar app cannot log in, so the token in the URL is the credential: the space feed
shows only when the space is taken (no names, no purposes); the personal feed shows the
person's own bookings and whatever other apps register as calendar feed sources
(`core.calendar_feeds`: the activities they signed up for). Rotating a token (a new printed
code, a leaked link) ends the old URL.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from silin.core import calendar_feeds
from silin.spaces.ical import FeedEvent, build_calendar
from silin.spaces.models import Booking
from silin.spaces.selectors.bookings import bookings_for_space_feed, bookings_for_user_feed
from silin.spaces.selectors.spaces import space_by_feed_token, user_by_feed_token

TENTATIVE = {Booking.Status.REQUESTED}
CANCELLED = {Booking.Status.CANCELLED, Booking.Status.REJECTED, Booking.Status.NO_SHOW}


def _stamp(booking: Booking) -> dt.datetime:
    moments = [booking.created_at, booking.decided_at, booking.checked_in_at]
    return max(m for m in moments if m is not None)


def _uid(booking: Booking) -> str:
    return f"booking-{booking.uuid}@silin"


def _where(booking: Booking) -> str:
    space = booking.space
    return " · ".join(p for p in (space.name, space.address) if p)


def _space_event(booking: Booking) -> FeedEvent:
    return FeedEvent(
        uid=_uid(booking),
        summary=_("Booked"),
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        location=_where(booking),
        cancelled=booking.status in CANCELLED,
        tentative=booking.status in TENTATIVE,
        stamp=_stamp(booking),
    )


def _personal_event(booking: Booking, base_url: str) -> FeedEvent:
    return FeedEvent(
        uid=_uid(booking),
        summary=f"{booking.space.name}: {booking.purpose}",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        location=_where(booking),
        cancelled=booking.status in CANCELLED,
        tentative=booking.status in TENTATIVE,
        stamp=_stamp(booking),
        url=base_url + reverse("spaces:space-detail", args=[booking.space.uuid]),
        description=booking.get_status_display(),
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def space_feed(request, token: str):
    space = space_by_feed_token(token=token)
    bookings = bookings_for_space_feed(space=space)
    body = build_calendar(name=space.name, events=[_space_event(b) for b in bookings])
    return _ics(body, "space.ics")


def booking_entries(user, base_url: str) -> list[FeedEvent]:
    """The personal feed's source of the person's own bookings (registered in ready())."""
    return [_personal_event(b, base_url) for b in bookings_for_user_feed(user=user)]


@require_GET
def personal_feed(request, token: str):
    user = user_by_feed_token(token=token)
    base_url = request.build_absolute_uri("/").rstrip("/")
    # A calendar app sends no language cookie: use the one the person chose.
    with translation.override(user.language or translation.get_language()):
        events = calendar_feeds.entries_for(user, base_url)
        body = build_calendar(name=_("My bookings and activities"), events=events)
    return _ics(body, "my-bookings.ics")
