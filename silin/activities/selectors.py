"""Reads of Neighbour Activities, each starting from what the actor may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import CatalogueItem, Event, Proposal, SignUp
from silin.activities.services.common import places_taken
from silin.core.scoping import scope_for_roles
from silin.lib import prepared
from silin.lib.http import parse_uuid
from silin.lib.prepared import Prepared
from silin.spaces.permissions import homes

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident


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


def _event_by_uuid(related: tuple[str, ...]) -> Callable[[UUID], QuerySet[Event]]:
    def build(uuid: UUID) -> QuerySet[Event]:
        # Whether it limits who may sign up by tags or compounds, read with it: a sign-up
        # asks for those lists only when there are some (`services.signups._problem`).
        return (
            Event.objects.select_related("community", *related)
            .filter(uuid=uuid)
            .annotate(
                has_required_tags=Exists(
                    Event.required_tags.through.objects.filter(event_id=OuterRef("pk"))
                ),
                has_compounds=Exists(
                    Event.compounds.through.objects.filter(event_id=OuterRef("pk"))
                ),
            )
            .order_by()
        )

    return build


_EVENT_BY_UUID: dict[tuple[str, ...], Prepared[Event]] = {}


def event_for(actor: User, uuid: object, *related: str) -> Event:
    """One event the actor may see, by uuid, read with `related`, or Http404.

    The same rule as `events_visible_to`, checked in Python on the row (`perms.sees_event`)
    instead of an OR of scopes joined in SQL: the hot paths (the event page, a sign-up)
    planned that join for longer than they ran it. Compiled once per `related`
    (`lib.prepared`): a sign-up in a rush spent a fifth of its Python compiling it.
    """
    parsed = parse_uuid(uuid)
    query = _EVENT_BY_UUID.get(related)
    if query is None:
        query = _EVENT_BY_UUID.setdefault(
            related, Prepared(_event_by_uuid(related), Event._meta.get_field("uuid"))
        )
    event = query.first(parsed) if parsed is not None else None
    if event is None or not perms.sees_event(actor, event):
        raise Http404
    return event


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


def _coming(*, actor: User, filters: EventFilters, now: dt.datetime | None) -> QuerySet[Event]:
    """Coming events (published or under way) the actor sees, filtered."""
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
    return qs


def events_near_qs(
    *, actor: User, filters: EventFilters, now: dt.datetime | None = None
) -> QuerySet[Event]:
    """Coming events, my compound first, then my community, then the street, each by start;
    annotated with `places_left` and `nearness` (0, 1, 2): for the API, which pages
    through all of them."""
    mine = homes(actor)
    compounds = [h.compound_id for h in mine if h.compound_id]
    communities = [h.community_id for h in mine]
    qs = with_taken(_coming(actor=actor, filters=filters, now=now)).annotate(
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
    """The next 200 coming events as the page lists them, nearest first (as `events_near_qs`)."""
    # The 200 events first, then their places taken in one grouped query: counting the
    # sign-ups of every coming event of the street before the LIMIT costs a scan of them all.
    # Thin rows for the ordering (the page shows 20 of them: `events_filled` reads those in
    # full); building 200 events with five relations each was most of the page's CPU.
    events = list(
        _coming(actor=actor, filters=filters, now=now)
        .select_related(None)
        .only("pk", "starts_at", "compound_id", "community_id", "capacity")
        .order_by("starts_at", "pk")[:200]
    )
    taken = {
        row["event_id"]: int(row["people"]) + int(row["companions"] or 0)
        for row in SignUp.objects.filter(
            event_id__in=[e.pk for e in events], state__in=SignUp.TAKING_STATES
        )
        .order_by()
        .values("event_id")
        .annotate(people=Count("pk"), companions=Sum("companions"))
    }
    mine = homes(actor)
    compounds = {h.compound_id for h in mine if h.compound_id}
    communities = {h.community_id for h in mine}
    for e in events:
        e.places_left = max(0, e.capacity - taken.get(e.pk, 0))  # type: ignore[attr-defined]
        e.nearness = (  # type: ignore[attr-defined]
            0 if e.compound_id in compounds else 1 if e.community_id in communities else 2
        )
    if filters.free_only:
        events = [e for e in events if e.places_left > 0]  # type: ignore[attr-defined]
    events.sort(key=lambda e: (e.nearness, e.starts_at))  # type: ignore[attr-defined]
    return events


def events_filled(events: Sequence[Event]) -> list[Event]:
    """The listed events in full (their relations and required tags), in the same order,
    with the `places_left` and `nearness` that `events_near` computed."""
    full = Event.objects.filter(pk__in=[e.pk for e in events]).select_related(
        "community", "compound", "space", "item", "series"
    )
    by_pk = {e.pk: e for e in full.prefetch_related("required_tags")}
    out = []
    for thin in events:
        event = by_pk[thin.pk]
        event.places_left = thin.places_left  # type: ignore[attr-defined]
        event.nearness = thin.nearness  # type: ignore[attr-defined]
        out.append(event)
    return out


def places_left(event: Event) -> int:
    return max(0, event.capacity - places_taken(event))


def _ahead_of(signup: SignUp) -> Q:
    return Q(state=SignUp.State.WAITING) & (
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)
    )


def _standing_query(waits: bool) -> Prepared[Any]:
    """The counts of `standing`, compiled once (with the places ahead of a waiting sign-up:
    its `created_at` and pk, or without)."""

    def build(event_id: int, now: dt.datetime, *mine: Any) -> QuerySet[Any, Any]:
        held = Q(state__in=SignUp.TAKING_STATES) | Q(
            state=SignUp.State.WAITING, offer_expires_at__gt=now
        )
        counts: dict[str, Any] = {
            "people": Count("id", filter=held),
            "companions": Sum("companions", filter=held),
        }
        if mine:
            created_at, pk = mine
            ahead = Q(state=SignUp.State.WAITING) & (
                Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
            )
            counts["ahead"] = Count("id", filter=ahead)
        return (
            SignUp.objects.filter(event_id=event_id)
            .values("event_id")
            .annotate(**counts)
            .order_by()
        )

    fields = [prepared.field(SignUp, "event"), prepared.field(SignUp, "offer_expires_at")]
    if waits:
        fields += [prepared.field(SignUp, "created_at"), SignUp._meta.pk]
    return Prepared(build, *fields)


_STANDING = {waits: _standing_query(waits) for waits in (False, True)}


def standing(event: Event, mine: SignUp | None) -> tuple[int, int | None]:
    """The places left and, when `mine` waits, its place on the waiting list: one query."""
    now = timezone.now()
    waits = mine is not None and mine.state == SignUp.State.WAITING
    if waits and mine is not None:
        found = _STANDING[True].rows(event.pk, now, mine.created_at, mine.pk)
    else:
        found = _STANDING[False].rows(event.pk, now)
    row = list(found[0]) if found else [event.pk, 0, 0, 0]
    taken = int(row[1] or 0) + int(row[2] or 0)
    return max(0, event.capacity - taken), int(row[3] or 0) + 1 if waits else None


def waiting_position(signup: SignUp) -> int:
    """1 for the first person waiting (known without a query to the sign-up just made)."""
    known: int | None = signup.__dict__.get("known_position")
    if known is not None:
        return known
    return SignUp.objects.filter(_ahead_of(signup), event_id=signup.event_id).count() + 1


def _with_positions(qs: QuerySet[SignUp]) -> QuerySet[SignUp]:
    """Each waiting sign-up's place on its list (`known_position`), in the same query."""
    ahead = (
        SignUp.objects.filter(event_id=OuterRef("event_id"), state=SignUp.State.WAITING)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        known_position=Case(
            When(
                state=SignUp.State.WAITING,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def my_signups(*, actor: User) -> list[SignUp]:
    return list(
        _with_positions(
            SignUp.objects.filter(person=actor)
            .exclude(state=SignUp.State.CANCELLED, event__state=Event.State.DONE)
            .select_related("event__community", "event__space")
            .order_by("event__starts_at", "pk")
        )
    )


def my_coming(*, actor: User, now: dt.datetime, limit: int | None = None) -> list[SignUp]:
    """The actor's confirmed and waiting sign-ups of events not over yet, soonest first,
    the waiting ones with their place on the list."""
    qs = _with_positions(
        SignUp.objects.filter(
            person=actor,
            state__in=(SignUp.State.CONFIRMED, SignUp.State.WAITING),
            event__ends_at__gte=now,
        )
        .select_related("event__community", "event__space")
        .order_by("event__starts_at", "pk")
    )
    return list(qs[:limit] if limit else qs)


def my_past(*, actor: User, now: dt.datetime, limit: int = 20) -> list[SignUp]:
    """The actor's last `limit` activities that are over (not the cancelled), latest first."""
    return list(
        SignUp.objects.filter(person=actor, event__ends_at__lt=now)
        .exclude(state=SignUp.State.CANCELLED)
        .select_related("event__community", "event__space")
        .order_by("-event__starts_at", "-pk")[:limit]
    )


_SIGNUP_OF = Prepared(
    lambda event_id, person_id: (
        SignUp.objects.filter(event_id=event_id, person_id=person_id, state__in=SignUp.LIVE_STATES)
        .select_related("event", "feedback")
        .order_by("pk")
    ),
    prepared.field(SignUp, "event"),
    prepared.field(SignUp, "person"),
)


def signup_of(*, actor: User, event: Event) -> SignUp | None:
    """The actor's live sign-up for the event (compiled once: the event page's own query)."""
    return _SIGNUP_OF.first(event.pk, actor.pk)


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
    # `has_compounds` / `has_required_tags` come with the event from `event_for`: no query
    # for the lists an event does not have.
    compounds = (
        [c.name for c in event.compounds.all()] if getattr(event, "has_compounds", True) else []
    )
    if compounds:
        lines.append(_("Residents of: %(names)s.") % {"names": _(", ").join(compounds)})
    tags = (
        [t.label for t in event.required_tags.all()]
        if getattr(event, "has_required_tags", True)
        else []
    )
    if tags:
        lines.append(_("Residents registered as: %(tags)s.") % {"tags": _(", ").join(tags)})
    return lines


# --- adding people: a worker signs up, or adds at the door, a resident of the register ----


def register_matches(
    *, actor: User, event: Event, name: str, limit: int = 15
) -> QuerySet[Resident]:
    """Living residents of the event's street whose name contains `name`, among those the
    actor may see in the register (a social organisation's staff see none)."""
    from silin.people.models import Resident

    name = name.strip()
    if not name:
        return Resident.objects.none()
    return (
        Resident.objects.visible_to(actor)
        .living()
        .filter(community__street_id=event.community.street_id, name__contains=name)
        .select_related("household__unit__building", "household__compound", "community")
        .order_by("name", "pk")[:limit]
    )


def register_resident(*, actor: User, event: Event, value: object) -> Resident | None:
    """The resident chosen on the form, if the actor may see them (else None)."""
    from silin.people.models import Resident

    key = parse_uuid(value)
    if key is None:
        return None
    return (
        Resident.objects.visible_to(actor)
        .filter(uuid=key, community__street_id=event.community.street_id)
        .select_related("household__compound", "community")
        .first()
    )


def may_search_register(actor: User, event: Event) -> bool:
    from silin.core.roles import Capability
    from silin.core.scoping import scope_for

    return not scope_for(actor, Capability.VIEW_REGISTER).empty
