"""Figures of Neighbour Activities, read from the sign-ups and feedback themselves.

For one event, one catalogue item (all its events, the community copies adopted from it
included) and per organiser (the worker who created the events):
  - attendance rate: attended ÷ places held at events that have started (attended, marked
    as not come, or still "signed up" once the event started: nobody marked them);
  - unique residents reached: people who attended at least one of the events;
  - repeat participants: people who attended two or more of the events;
  - average rating and the number of ratings.

Each figure set costs a fixed number of grouped queries, whatever the number of events,
sign-ups or organisers (pinned in the tests).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from silin.activities.models import Event, SignUp

if TYPE_CHECKING:
    from silin.activities.models import CatalogueItem


@dataclass(frozen=True)
class Figures:
    events: int = 0
    held: int = 0
    attended: int = 0
    reached: int = 0
    repeat: int = 0
    rating: float | None = None
    ratings: int = 0

    @property
    def attendance_rate(self) -> float | None:
        """0..1, or None before anyone could come."""
        return self.attended / self.held if self.held else None

    @property
    def attendance_percent(self) -> int | None:
        rate = self.attendance_rate
        return round(rate * 100) if rate is not None else None


def _held(now: dt.datetime, prefix: str = "") -> Q:
    p = prefix
    return Q(**{f"{p}state__in": [SignUp.State.ATTENDED, SignUp.State.NO_SHOW]}) | Q(
        **{f"{p}state": SignUp.State.CONFIRMED, f"{p}event__starts_at__lte": now}
    )


# The residents reached: attended under an account or a register record (guests named at
# the door are counted as attending, not as residents reached).
REACHED = Q(state=SignUp.State.ATTENDED) & (Q(person__isnull=False) | Q(resident__isnull=False))


def _totals(signups: QuerySet[SignUp], now: dt.datetime) -> Mapping[str, Any]:
    return signups.aggregate(
        held=Count("id", filter=_held(now)),
        attended=Count("id", filter=Q(state=SignUp.State.ATTENDED)),
        rating=Avg("feedback__rating"),
        ratings=Count("feedback"),
    )


def _figures(totals: Mapping[str, Any], events: int, per_person: list[int]) -> Figures:
    rating = totals.get("rating")
    return Figures(
        events=events,
        held=int(totals.get("held") or 0),
        attended=int(totals.get("attended") or 0),
        reached=len(per_person),
        repeat=sum(1 for n in per_person if n >= 2),
        rating=round(float(rating), 1) if rating is not None else None,
        ratings=int(totals.get("ratings") or 0),
    )


def _of_events(events: QuerySet[Event], now: dt.datetime) -> Figures:
    """Two queries: the totals, and who attended how many of the events."""
    signups = SignUp.objects.filter(event__in=events.values("pk"))
    totals = _totals(signups, now)
    per_person = list(
        signups.filter(REACHED)
        .values("person", "resident")
        .annotate(n=Count("event", distinct=True))
        .values_list("n", flat=True)
    )
    n_events = events.exclude(state=Event.State.CANCELLED).count()
    return _figures(totals, n_events, per_person)


def event_figures(event: Event, *, now: dt.datetime | None = None) -> Figures:
    return _of_events(Event.objects.filter(pk=event.pk), now or timezone.now())


def item_figures(item: CatalogueItem, *, now: dt.datetime | None = None) -> Figures:
    """All events of the item and of the community copies adopted from it."""
    events = Event.objects.filter(Q(item=item) | Q(item__source=item))
    return _of_events(events, now or timezone.now())


@dataclass(frozen=True)
class OrganiserRow:
    organiser_id: int
    name: str
    figures: Figures


def organiser_figures(
    events: QuerySet[Event], *, now: dt.datetime | None = None
) -> list[OrganiserRow]:
    """Per organiser (the worker who created them) of `events`: three grouped queries."""
    now = now or timezone.now()
    events = events.filter(created_by__isnull=False)
    counts = {
        r["created_by"]: (r["created_by__name"], r["n"])
        for r in events.exclude(state=Event.State.CANCELLED)
        .order_by()
        .values("created_by", "created_by__name")
        .annotate(n=Count("id"))
    }
    signups = SignUp.objects.filter(event__in=events.values("pk"))
    totals = {
        r["event__created_by"]: r
        for r in signups.order_by()
        .values("event__created_by")
        .annotate(
            held=Count("id", filter=_held(now)),
            attended=Count("id", filter=Q(state=SignUp.State.ATTENDED)),
            rating=Avg("feedback__rating"),
            ratings=Count("feedback"),
        )
    }
    per_person: dict[int, list[int]] = defaultdict(list)
    for organiser, n in (
        signups.filter(REACHED)
        .order_by()
        .values("event__created_by", "person", "resident")
        .annotate(n=Count("event", distinct=True))
        .values_list("event__created_by", "n")
    ):
        per_person[organiser].append(n)
    rows = [
        OrganiserRow(pk, name, _figures(totals.get(pk, {}), n, per_person.get(pk, [])))
        for pk, (name, n) in counts.items()
    ]
    rows.sort(key=lambda r: (-r.figures.reached, r.name))
    return rows
