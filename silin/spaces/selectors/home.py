"""Reads for the home pages: my next bookings, today's bookings in the spaces I run, the
requests waiting for my decision and, for the street, its spaces community by community.

Each is a fixed, small number of queries (the home page runs every panel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from silin.core.roles import Capability, Role
from silin.core.scoping import scope_for, scope_for_roles
from silin.places.models import Community
from silin.spaces.models import Booking, Space
from silin.spaces.selectors.spaces import may_approve_somewhere, scope_q

if TYPE_CHECKING:
    from silin.accounts.models import User


def _today() -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(0)))
    return start, start + dt.timedelta(days=1)


def next_bookings_for(*, actor: User, limit: int = 3) -> list[Booking]:
    """The actor's own next live bookings, soonest first (one query)."""
    return list(
        Booking.objects.filter(
            booker=actor, ends_at__gt=timezone.now(), status__in=Booking.LIVE_STATES
        )
        .select_related("space", "booked_by")
        .order_by("starts_at", "id")[:limit]
    )


def _run_by_q(actor: User) -> Q:
    """Bookings of spaces the actor runs (MANAGE_SPACES scope), manages or approves."""
    return (
        scope_q(scope_for(actor, Capability.MANAGE_SPACES))
        | Q(space__manager_id=actor.pk)
        | Q(space__in=Space.objects.filter(approvers=actor).values("pk"))
    )


def runs_spaces(actor: User) -> bool:
    """Whether the actor runs, manages or approves any space (memoised per request: the
    menu, a panel and a to-do all ask)."""
    return may_approve_somewhere(actor)


def administers_a_street(actor: User) -> bool:
    return bool(scope_for_roles(actor, {Role.STREET_ADMIN}).street_ids)


def todays_bookings_for(*, actor: User, limit: int = 8) -> tuple[list[Booking], int]:
    """Today's live bookings in the spaces the actor runs, by start time, and how many
    there are in all (two queries; one when they fit)."""
    start, end = _today()
    qs: QuerySet[Booking] = (
        Booking.objects.filter(_run_by_q(actor), status__in=(*Booking.LIVE_STATES,))
        .overlapping(start, end)
        .select_related("space")
        .order_by("starts_at", "space__name", "id")
    )
    rows = list(qs[: limit + 1])
    total = len(rows) if len(rows) <= limit else qs.count()
    return rows[:limit], total


@dataclass(frozen=True)
class Waiting:
    count: int
    soonest: dt.datetime | None


def requests_waiting_for(*, actor: User) -> Waiting:
    """Requests awaiting the actor's decision, and when the soonest of them starts."""
    row = Booking.objects.filter(
        _run_by_q(actor), status=Booking.Status.REQUESTED, ends_at__gt=timezone.now()
    ).aggregate(n=Count("pk"), soonest=Min("starts_at"))
    return Waiting(count=row["n"] or 0, soonest=row["soonest"])


@dataclass(frozen=True)
class CommunitySpaces:
    community: Any
    spaces: int
    bookings_today: int
    waiting: int


def street_spaces_for(*, actor: User) -> list[CommunitySpaces]:
    """For the streets the actor administers: per community, its open spaces, today's
    bookings and the requests waiting (three grouped queries, however many communities)."""
    street_ids = scope_for_roles(actor, {Role.STREET_ADMIN}).street_ids
    if not street_ids:
        return []
    communities = list(
        Community.objects.filter(street_id__in=street_ids).order_by("street__name", "name")
    )
    ids = [c.pk for c in communities]
    spaces = dict(
        Space.objects.filter(community_id__in=ids, active=True)
        .values_list("community_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    start, end = _today()
    live = Booking.objects.filter(space__community_id__in=ids)
    today = dict(
        live.filter(status__in=Booking.LIVE_STATES)
        .overlapping(start, end)
        .values_list("space__community_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    waiting = dict(
        live.filter(status=Booking.Status.REQUESTED, ends_at__gt=timezone.now())
        .values_list("space__community_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        CommunitySpaces(
            community=c,
            spaces=spaces.get(c.pk, 0),
            bookings_today=today.get(c.pk, 0),
            waiting=waiting.get(c.pk, 0),
        )
        for c in communities
    ]


def resident_bookings_for(
    *, viewer: User, resident: Any, upcoming_limit: int = 5, past_limit: int = 3
) -> tuple[list[Booking], list[Booking]]:
    """A resident's upcoming and latest past bookings, as far as `viewer` may see them
    (Booking.visible_to): two queries, none for a resident without an account."""
    user_id = getattr(getattr(resident, "user", None), "pk", None)
    if user_id is None:
        return [], []
    mine = (
        Booking.objects.visible_to(viewer)
        .filter(booker_id=user_id)
        .select_related("space", "booked_by")
    )
    now = timezone.now()
    upcoming = mine.filter(ends_at__gt=now, status__in=Booking.LIVE_STATES).order_by(
        "starts_at", "id"
    )
    past = mine.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    return list(upcoming[:upcoming_limit]), list(past[:past_limit])
