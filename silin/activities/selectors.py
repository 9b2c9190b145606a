"""Reads of Neighbour Activities, each starting from what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import CatalogueItem, Event, Proposal, SignUp
from silin.activities.services.common import places_taken
from silin.core.scoping import scope_for_roles
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
        "community", "compound", "space", "item", "series"
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


def events_near_qs(
    *, actor: User, filters: EventFilters, now: dt.datetime | None = None
) -> QuerySet[Event]:
    """Coming events (published or under way), my compound first, then my community, then
    the street, each by start; annotated with `places_left` and `nearness` (0, 1, 2)."""
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
    mine = homes(actor)
    compounds = [h.compound_id for h in mine if h.compound_id]
    communities = [h.community_id for h in mine]
    qs = with_taken(qs).annotate(
        places_left=Greatest(
            F("capacity") - F("taken_people") - Coalesce(F("taken_companions"), 0), 0
        ),
        nearness=Case(
            When(compound_id__in=compounds, then=Value(0)),
            When(community_id__in=communities, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )
    if filters.free_only:
        qs = qs.filter(places_left__gt=0)
    return qs.prefetch_related("required_tags").order_by("nearness", "starts_at", "pk")


def events_near(
    *, actor: User, filters: EventFilters, now: dt.datetime | None = None
) -> list[Event]:
    """The first 200 of `events_near_qs` (the page lists them, the API pages through all)."""
    return list(events_near_qs(actor=actor, filters=filters, now=now)[:200])


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


def proposals_visible_to(actor: User) -> QuerySet[Proposal]:
    """The actor's own proposals, and those of the communities whose catalogue they keep."""
    scope = scope_for_roles(actor, perms.CATALOGUE_ROLES)
    decides = (
        scope.q(street="community__street_id", community="community_id")
        if not scope.empty
        else Q(pk__in=[])
    )
    return Proposal.objects.filter(Q(proposer=actor) | decides).select_related(
        "community", "proposer", "item"
    )


def proposals_to_decide(actor: User) -> QuerySet[Proposal]:
    scope = scope_for_roles(actor, perms.CATALOGUE_ROLES)
    if scope.empty:
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            scope.q(street="community__street_id", community="community_id"),
            state=Proposal.State.PENDING,
        )
        .select_related("community", "proposer")
        .order_by("created_at", "pk")
    )


def events_run_by(actor: User) -> QuerySet[Event]:
    """Every event (any state) in the nodes where the actor organises."""
    scope = perms.organiser_scope(actor)
    if scope.empty:
        return Event.objects.none()
    return Event.objects.filter(
        scope.q(street="community__street_id", community="community_id", compound="compound_id")
    )


def who_may_sign_up(event: Event) -> list[str]:
    """The event's sign-up rules in the reader's language (empty: every resident of the
    street). Reads the prefetched compounds and tags when there are any."""
    lines: list[str] = []
    if event.min_age is not None and event.max_age is not None:
        lines.append(_("Aged %(min)d to %(max)d.") % {"min": event.min_age, "max": event.max_age})
    elif event.min_age is not None:
        lines.append(_("Aged %(age)d and over.") % {"age": event.min_age})
    elif event.max_age is not None:
        lines.append(_("Aged up to %(age)d.") % {"age": event.max_age})
    compounds = [c.name for c in event.compounds.all()]
    if compounds:
        lines.append(_("Residents of: %(names)s.") % {"names": _(", ").join(compounds)})
    tags = [t.label for t in event.required_tags.all()]
    if tags:
        lines.append(_("Residents registered as: %(tags)s.") % {"tags": _(", ").join(tags)})
    return lines
