"""Reads of Neighbour Activities, each starting from what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import CatalogueItem, Event, SignUp
from silin.activities.services.common import places_taken
from silin.spaces.permissions import homes

if TYPE_CHECKING:
    from silin.accounts.models import User


def events_visible_to(actor: User) -> QuerySet[Event]:
    """Listed events of the actor's streets, plus every event (drafts too) they run."""
    streets = perms.street_ids(actor)
    scope = perms.organiser_scope(actor)
    listed = Q(
        state__in=Event.LISTED_STATES + (Event.State.CANCELLED,), community__street_id__in=streets
    )
    runs = (
        scope.q(street="community__street_id", community="community_id", compound="compound_id")
        if not scope.empty
        else Q(pk__in=[])
    )
    return Event.objects.filter(listed | runs).select_related(
        "community", "compound", "space", "item"
    )


def catalogue_visible_to(actor: User) -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.filter(street_id__in=perms.street_ids(actor)).select_related(
        "community", "source"
    )


@dataclass(frozen=True)
class EventFilters:
    stage: str = ""
    category: str = ""
    day: dt.date | None = None
    free_only: bool = False


def with_taken(qs: QuerySet[Event]) -> QuerySet[Event]:
    taking = Q(signups__state__in=SignUp.TAKING_STATES)
    return qs.annotate(
        taken_people=Count("signups", filter=taking),
        taken_companions=Sum("signups__companions", filter=taking),
    )


def events_near(
    *, actor: User, filters: EventFilters, now: dt.datetime | None = None
) -> list[Event]:
    """Coming events (published or under way): my compound first, my community, the street."""
    now = now or timezone.now()
    qs = events_visible_to(actor).filter(
        state__in=[Event.State.PUBLISHED, Event.State.RUNNING], ends_at__gt=now
    )
    if filters.stage:
        qs = qs.filter(item__stage=filters.stage)
    if filters.category:
        qs = qs.filter(item__category=filters.category)
    if filters.day:
        start = timezone.make_aware(dt.datetime.combine(filters.day, dt.time.min))
        qs = qs.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    events = list(with_taken(qs).order_by("starts_at", "pk")[:200])
    mine = homes(actor)
    compounds = {h.compound_id for h in mine if h.compound_id}
    communities = {h.community_id for h in mine}
    for e in events:
        e.places_left = max(0, e.capacity - e.taken_people - (e.taken_companions or 0))  # type: ignore[attr-defined]
        e.nearness = (  # type: ignore[attr-defined]
            0 if e.compound_id in compounds else 1 if e.community_id in communities else 2
        )
    if filters.free_only:
        events = [e for e in events if e.places_left > 0]  # type: ignore[attr-defined]
    events.sort(key=lambda e: (e.nearness, e.starts_at))  # type: ignore[attr-defined]
    return events


def places_left(event: Event) -> int:
    return max(0, event.capacity - places_taken(event))


def waiting_position(signup: SignUp) -> int:
    """1 for the first person waiting."""
    return (
        SignUp.objects.filter(event_id=signup.event_id, state=SignUp.State.WAITING)
        .filter(
            Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)
        )
        .count()
        + 1
    )


def my_signups(*, actor: User) -> list[SignUp]:
    return list(
        SignUp.objects.filter(person=actor)
        .exclude(state=SignUp.State.CANCELLED, event__state=Event.State.DONE)
        .select_related("event__community", "event__space")
        .order_by("event__starts_at", "pk")
    )


def signup_of(*, actor: User, event: Event) -> SignUp | None:
    return (
        SignUp.objects.filter(event=event, person=actor, state__in=SignUp.LIVE_STATES)
        .select_related("event")
        .first()
    )


def signups_visible_to(actor: User) -> QuerySet[SignUp]:
    """The actor's own sign-ups, and those of the events they run."""
    scope = perms.organiser_scope(actor)
    runs = (
        scope.q(
            street="event__community__street_id",
            community="event__community_id",
            compound="event__compound_id",
        )
        if not scope.empty
        else Q(pk__in=[])
    )
    return SignUp.objects.filter(Q(person=actor) | runs).select_related(
        "event__community", "person"
    )


def organiser_label(event: Event) -> str:
    """Who organises `event`, as residents know them (its relations loaded or fetched)."""
    if event.organiser_kind == Event.Organiser.ORGANIZATION and event.organization_id:
        return event.organization.name  # type: ignore[union-attr]
    if event.organiser_kind == Event.Organiser.COMMITTEE and event.compound_id:
        return _("%(compound)s compound committee") % {"compound": event.compound.name}  # type: ignore[union-attr]
    return event.community.name


ORGANISER_FIELDS = {
    "community": "community_id",
    "committee": "compound_id",
    "organization": "organization_id",
}


def events_of_organiser(*, key: str, since: dt.datetime) -> list[Event]:
    """The listed (and cancelled) events of the organiser an OrganiserFeed key names."""
    kind, _sep, pk = key.partition(":")
    field = ORGANISER_FIELDS.get(kind)
    if field is None or not pk.isdigit():
        return []
    return list(
        Event.objects.filter(
            organiser_kind=kind,
            state__in=Event.LISTED_STATES + (Event.State.CANCELLED,),
            ends_at__gte=since,
            **{field: int(pk)},
        )
        .select_related("community", "compound", "organization", "space")
        .order_by("starts_at", "pk")[:500]
    )
