"""Repeating events: an organiser gives an RFC 5545 rule (`lib.recurrence`) and every date
becomes its own Event, with its own sign-ups and its own space booking. All or nothing: if
the space is taken (closed, blocked ...) on any date, no event is created and the refusal
lists every such date, like the spaces' booking series without `skip_clashes`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import Event, EventSeries
from silin.activities.services import events
from silin.activities.services.common import ActivityError
from silin.core import audit
from silin.lib import recurrence
from silin.spaces.services.common import aware, when_text

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.activities.models import CatalogueItem

MAX_OCCURRENCES = 52
# How far ahead a series may run when it books no space (a space has its own horizon).
HORIZON_DAYS = 366


def _horizon_days(data: events.EventData) -> int:
    return data.space.book_ahead_days if data.space is not None else HORIZON_DAYS


def _rule_message(exc: recurrence.RecurrenceError, days: int) -> str:
    messages = {
        "invalid": _("This repeat rule cannot be read. Example: FREQ=WEEKLY;BYDAY=SA;COUNT=8."),
        "frequency": _("An activity can repeat daily, weekly, monthly or yearly, not more often."),
        "no_end": _(
            "A repeating activity must end: give an end date (UNTIL) or a number of times (COUNT)."
        ),
        "too_many": _("This rule gives more than %(max)d dates. Please end it sooner.")
        % {"max": MAX_OCCURRENCES},
        "empty": _("This rule gives no dates at all."),
    }
    if exc.code == "horizon":
        return _(
            "This rule goes further ahead than activities may be planned (%(days)d days): "
            "%(date)s is too late."
        ) % {
            "days": days,
            "date": formats.date_format(timezone.localtime(exc.last), "DATE_FORMAT")
            if exc.last
            else "",
        }
    return messages.get(exc.code, messages["invalid"])


def series_dates(rrule: str, data: events.EventData, now: dt.datetime) -> list[dt.datetime]:
    """The starts the rule gives from the first start, or ActivityError on the rule field."""
    days = _horizon_days(data)
    try:
        return recurrence.expand(
            rrule,
            first_start=aware(data.starts_at),
            tz=timezone.get_current_timezone(),
            horizon=now + dt.timedelta(days=days),
            limit=MAX_OCCURRENCES,
        )
    except recurrence.RecurrenceError as exc:
        raise ActivityError({"rrule": [_rule_message(exc, days)]}) from exc


def _create_one(
    actor: User, item: CatalogueItem, data: events.EventData, series: EventSeries
) -> Event:
    event = events.event_create(actor=actor, item=item, data=data)
    event.series = series
    event.save(update_fields=["series"])
    return event


@transaction.atomic
def series_create(
    *,
    actor: User,
    item: CatalogueItem,
    data: events.EventData,
    rrule: str,
    publish: bool = False,
) -> list[Event]:
    """Every date of `rrule` as an event like `data` (same time of day and length)."""
    if not perms.may_organise_at(actor, data.community, getattr(data.compound, "pk", None)):
        raise PermissionDenied
    data.starts_at, data.ends_at = aware(data.starts_at), aware(data.ends_at)
    length = data.ends_at - data.starts_at
    starts = series_dates(rrule, data, timezone.now())
    series = EventSeries.objects.create(item=item, rrule=rrule.strip()[:500], created_by=actor)
    created: list[Event] = []
    refused: list[str] = []
    for start in starts:
        shift = start - data.starts_at
        one = dataclasses.replace(
            data,
            starts_at=start,
            ends_at=start + length,
            signup_opens_at=data.signup_opens_at + shift if data.signup_opens_at else None,
            signup_closes_at=data.signup_closes_at + shift if data.signup_closes_at else None,
        )
        try:
            created.append(_create_one(actor, item, one, series))
        except ActivityError as exc:
            space_problems = exc.message_dict.get("space")
            if not space_problems or set(exc.message_dict) != {"space"}:
                raise  # the same bad input on every date: told once, on its own field
            refused.append(
                _("%(date)s: %(message)s")
                % {"date": when_text(start), "message": space_problems[0]}
            )
    if refused:
        # Raising rolls back the series, the events and their bookings together.
        raise ActivityError({"space": [_("The space cannot be booked on these dates:"), *refused]})
    if publish:
        created = [events.event_publish(actor=actor, event=e) for e in created]
    audit.record(
        actor=actor,
        action="create",
        obj=series,
        changes={"rrule": [None, series.rrule], "events": [None, len(created)]},
    )
    return created
