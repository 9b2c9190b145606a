"""Calendar feeds of Neighbour Activities.

- A person's activities join their personal feed (`/spaces/feeds/me/<token>.ics`) through
  the calendar feed sources of core (`signup_entries`, registered in ready()): the
  activities they have a place in; a cancelled sign-up or activity leaves the feed, so the
  calendar app removes it.
- An organiser's feed (`/activities/feeds/organiser/<token>.ics`): the listed activities of
  a community, a compound committee or an organisation, cancelled ones marked CANCELLED;
  its token is the credential, rotated from the event console.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from silin.activities import selectors
from silin.activities.models import Event, OrganiserFeed, SignUp
from silin.core.calendar_feeds import FeedEntry
from silin.spaces.ical import build_calendar

if TYPE_CHECKING:
    from silin.accounts.models import User

FEED_PAST_DAYS = 90


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)


def _stamp(event: Event, *more: dt.datetime | None) -> dt.datetime:
    return max(m for m in (event.created_at, event.published_at, *more) if m is not None)


def _location(event: Event) -> str:
    return " · ".join(p for p in (event.where, event.community.name) if p)


def _entry(event: Event, uid: str, base_url: str, stamp: dt.datetime) -> FeedEntry:
    return FeedEntry(
        uid=uid,
        summary=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=_location(event),
        cancelled=event.state == Event.State.CANCELLED,
        tentative=False,
        stamp=stamp,
        url=base_url + reverse("activities:event-detail", args=[event.uuid]),
        description=selectors.organiser_label(event),
    )


def signup_entries(user: User, base_url: str) -> list[FeedEntry]:
    """The personal feed's source: the activities `user` has a place in (two queries)."""
    rows = (
        SignUp.objects.filter(
            person=user,
            state__in=SignUp.TAKING_STATES,
            event__state__in=Event.LISTED_STATES,
            event__ends_at__gte=_since(),
        )
        .select_related("event__community", "event__space", "event__compound")
        .select_related("event__organization")
        .order_by("event__starts_at")
    )
    return [
        _entry(
            s.event,
            f"activity-signup-{s.event.uuid}@silin",
            base_url,
            _stamp(s.event, s.updated_at),
        )
        for s in rows
    ]


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def organiser_feed(request, token: str):
    feed = OrganiserFeed.objects.filter(token=str(token or "")).first()
    if feed is None:
        raise Http404
    events = selectors.events_of_organiser(key=feed.key, since=_since())
    base_url = request.build_absolute_uri("/").rstrip("/")
    first = events[0] if events else None
    name = selectors.organiser_label(first) if first else _("Activities")
    entries = [_entry(e, f"activity-{e.uuid}@silin", base_url, _stamp(e)) for e in events]
    body = build_calendar(name=name, events=entries)
    return _ics(body, "activities.ics")
