"""Helpers shared by the services tests: book through the service, read its errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from silin.spaces.models import Booking
from silin.spaces.services.bookings import booking_create


def book(actor, space, start: dt.datetime, end: dt.datetime | None = None, **kw: Any) -> Booking:
    """Book through the service: an hour from `start` unless `end` is given."""
    kw.setdefault("purpose", "下棋")
    kw.setdefault("attendees", 2)
    return booking_create(
        actor=actor,
        space=space,
        starts_at=start,
        ends_at=end or start + dt.timedelta(hours=1),
        **kw,
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict
