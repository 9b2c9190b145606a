"""iCalendar (RFC 5545) documents for the booking feeds, built with `icalendar`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone

# One entry of a feed; the same type the calendar feed sources of other apps return.
from silin.core.calendar_feeds import FeedEntry as FeedEvent

PRODID = "-//Silin Four Neighbours//Neighbour Spaces//EN"


def _event(item: FeedEvent) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", item.uid)
    event.add("summary", item.summary)
    # In local time with its VTIMEZONE (a calendar shows 15:00, not 07:00Z, when offline).
    event.add("dtstart", timezone.localtime(item.starts_at))
    event.add("dtend", timezone.localtime(item.ends_at))
    event.add("dtstamp", item.stamp.astimezone(dt.UTC))
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    if item.cancelled:
        event.add("status", "CANCELLED")
    elif item.tentative:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def build_calendar(*, name: str, events: Iterable[FeedEvent]) -> bytes:
    """The feed as bytes; a calendar app re-reads it and matches events by their UID."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for item in events:
        calendar.add_component(_event(item))
    calendar.add_missing_timezones()
    return calendar.to_ical()
