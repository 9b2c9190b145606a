"""Reads of Neighbour Spaces. Every function takes the actor and answers 404 out of scope."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from silin.core.roles import Capability
from silin.core.scoping import Scope, scope_for
from silin.spaces import permissions as perms
from silin.spaces.models import (
    BlockedPeriod,
    Booking,
    OpeningException,
    OpeningHours,
    PersonalFeed,
    RenewalRecord,
    Space,
    WaitlistEntry,
)

FREE = "free"
REQUESTED = "requested"
TAKEN = "taken"
BLOCKED = "blocked"
CLOSED = "closed"


def _text(value: str) -> Value:
    return Value(value, output_field=models.CharField())


def _none(output_field) -> Cast:
    """A typed NULL: PostgreSQL cannot match an untyped NULL across the UNION's branches."""
    return Cast(Value(None), output_field=output_field)


def _flag(value: bool) -> Value:
    return Value(value, output_field=models.BooleanField())


def parse_uuid(value) -> uuid_lib.UUID | None:
    if isinstance(value, uuid_lib.UUID):
        return value
    try:
        return uuid_lib.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _scope_q(scope: Scope) -> Q:
    return scope.q(street="community__street_id", community="community_id", compound="compound_id")


def _home_q(home: perms.Home) -> Q:
    return (
        Q(reach=Space.Reach.STREET, community__street_id=home.street_id)
        | Q(reach=Space.Reach.COMMUNITY, community_id=home.community_id)
        | Q(reach=Space.Reach.COMPOUND, compound__isnull=True, community_id=home.community_id)
        | Q(reach=Space.Reach.COMPOUND, compound_id=home.compound_id)
    )


def _visible_q(actor) -> Q | None:
    """The spaces `actor` may see (see permissions.py), or None for none at all."""
    if not perms.authenticated(actor):  # noqa: SLF001 - one shared definition
        return None
    run = scope_for(actor, Capability.MANAGE_SPACES)
    figures = scope_for(actor, Capability.VIEW_SPACE_FIGURES)
    staff = perms.staff_scope(actor)
    home_q = Q(pk__in=[])
    for home in perms.homes(actor):
        home_q |= _home_q(home)
    if run.empty and figures.empty and staff.empty and not perms.homes(actor):
        return Q(manager_id=actor.pk)
    return (
        _scope_q(run)
        | _scope_q(figures)
        | Q(manager_id=actor.pk)
        | (Q(active=True) & (_scope_q(staff) | home_q))
    )


@dataclass
class SpaceFilters:
    kind: str = ""
    compound: uuid_lib.UUID | str | None = None
    community: uuid_lib.UUID | str | None = None
    open_now: bool = False
    accessible: bool = False
    free_from: dt.datetime | None = None
    free_until: dt.datetime | None = None
    q: str = ""


def _open_during_q(starts_at: dt.datetime, ends_at: dt.datetime) -> Q:
    """Spaces whose opening hours of that day hold the whole of [starts_at, ends_at)."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date() and end.time() != dt.time(0):
        return Q(pk__in=[])
    day, t1 = start.date(), start.time()
    t2 = end.time() if end.date() == day else dt.time.max
    on_day = OpeningException.objects.filter(date=day).values("space_id")
    by_hours = OpeningHours.objects.filter(
        weekday=day.weekday(), opens__lte=t1, closes__gte=t2
    ).values("space_id")
    by_exception = OpeningException.objects.filter(
        date=day, closed=False, opens__lte=t1, closes__gte=t2
    ).values("space_id")
    closed = OpeningException.objects.filter(date=day, closed=True).values("space_id")
    return (Q(pk__in=by_hours) & ~Q(pk__in=on_day)) | (Q(pk__in=by_exception) & ~Q(pk__in=closed))


def _not_blocked_q(starts_at: dt.datetime, ends_at: dt.datetime) -> Q:
    blocked = BlockedPeriod.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    return ~Q(pk__in=blocked.values("space_id"))


def _apply_filters(qs: QuerySet[Space], f: SpaceFilters) -> QuerySet[Space]:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.compound:
        value = parse_uuid(f.compound)
        qs = qs.filter(compound__uuid=value) if value else qs.none()
    if f.community:
        value = parse_uuid(f.community)
        qs = qs.filter(community__uuid=value) if value else qs.none()
    if f.accessible:
        qs = qs.filter(step_free=True)
    if f.q.strip():
        qs = qs.filter(name__icontains=f.q.strip())
    if f.open_now:
        now = timezone.now()
        minute = now + dt.timedelta(minutes=1)
        qs = qs.filter(_open_during_q(now, minute) & _not_blocked_q(now, minute))
    if f.free_from and f.free_until:
        if f.free_until <= f.free_from:
            return qs.none()
        taken = Booking.objects.holding().overlapping(f.free_from, f.free_until)
        qs = qs.filter(
            _open_during_q(f.free_from, f.free_until)
            & _not_blocked_q(f.free_from, f.free_until)
            & ~Q(pk__in=taken.values("space_id"))
        )
    return qs


def space_list_for(*, actor, filters: SpaceFilters | None = None) -> QuerySet[Space]:
    """Spaces `actor` may see, filtered; residents see open spaces within their reach."""
    visible = _visible_q(actor)
    if visible is None:
        return Space.objects.none()
    qs = Space.objects.filter(visible).select_related("community", "compound")
    qs = _apply_filters(qs, filters or SpaceFilters())
    return qs.order_by("community__name", "name", "id")


def space_get(*, actor, uuid) -> Space:
    value = parse_uuid(uuid)
    visible = _visible_q(actor)
    if value is None or visible is None:
        raise Http404
    space = (
        Space.objects.filter(visible, uuid=value)
        .select_related("community__street", "compound", "parent", "managed_by", "manager")
        .first()
    )
    if space is None:
        raise Http404
    return space


def space_get_for_manage(*, actor, uuid) -> Space:
    space = space_get(actor=actor, uuid=uuid)
    if not perms.manages(actor, space):
        raise Http404
    return space


def space_by_door_token(*, token: str) -> Space:
    space = (
        Space.objects.filter(door_token=str(token or ""), active=True)
        .select_related("community", "compound")
        .first()
    )
    if not token or space is None:
        raise Http404
    return space


def space_by_feed_token(*, token: str) -> Space:
    space = Space.objects.filter(feed_token=str(token or "")).select_related("community").first()
    if not token or space is None:
        raise Http404
    return space


def user_by_feed_token(*, token: str):
    feed = PersonalFeed.objects.filter(token=str(token or "")).select_related("user").first()
    if not token or feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


# --- availability ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str  # free | requested | taken | blocked | closed
    booking: Booking | None = None
    reason: str = ""

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class SpaceCalendar:
    """What decides whether a space is free over a range: two queries for any range (the
    rules, the bookings), three when blocks are needed with their overriders (services)."""

    space: Space
    starts_at: dt.datetime
    ends_at: dt.datetime
    hours: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    exceptions: dict[dt.date, list[OpeningException]] = field(default_factory=dict)
    blocked: list[BlockedPeriod] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        space: Space,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        *,
        with_overriders: bool = False,
    ) -> SpaceCalendar:
        cal = cls(space=space, starts_at=starts_at, ends_at=ends_at)
        if with_overriders:
            cal._load_rules(include_blocked=False)
            cal.blocked = list(
                BlockedPeriod.objects.filter(
                    space=space, starts_at__lt=ends_at, ends_at__gt=starts_at
                )
                .order_by("starts_at")
                .prefetch_related("overriders")
            )
        else:
            cal._load_rules(include_blocked=True)
        cal.bookings = list(
            Booking.objects.filter(space=space, status__in=Booking.LIVE_STATES)
            .overlapping(starts_at, ends_at)
            .order_by("starts_at", "id")
        )
        return cal

    def _load_rules(self, *, include_blocked: bool) -> None:
        """Weekly hours, the range's exceptions and (optionally) blocks in one UNION query."""
        space, start, end = self.space, self.starts_at, self.ends_at
        first, last = timezone.localdate(start), timezone.localdate(end)
        parts = [
            OpeningHours.objects.filter(space=space)
            .order_by()
            .values_list(
                _text("hours"),
                "id",
                "weekday",
                _none(models.DateField()),
                "opens",
                "closes",
                _flag(False),
                _none(models.DateTimeField()),
                _none(models.DateTimeField()),
                _text(""),
            ),
            OpeningException.objects.filter(space=space, date__range=(first, last))
            .order_by()
            .values_list(
                _text("exception"),
                "id",
                _none(models.IntegerField()),
                "date",
                "opens",
                "closes",
                "closed",
                _none(models.DateTimeField()),
                _none(models.DateTimeField()),
                "note",
            ),
        ]
        if include_blocked:
            parts.append(
                BlockedPeriod.objects.filter(space=space, starts_at__lt=end, ends_at__gt=start)
                .order_by()
                .values_list(
                    _text("blocked"),
                    "id",
                    _none(models.IntegerField()),
                    _none(models.DateField()),
                    _none(models.TimeField()),
                    _none(models.TimeField()),
                    _flag(False),
                    "starts_at",
                    "ends_at",
                    "reason",
                )
            )
        hours: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
        exceptions: dict[dt.date, list[OpeningException]] = defaultdict(list)
        blocked: list[BlockedPeriod] = []
        rows = parts[0].union(*parts[1:], all=True)
        for kind, pk, weekday, date, opens, closes, closed, b_start, b_end, text in rows:
            if kind == "hours":
                hours[weekday].append((opens, closes))
            elif kind == "exception":
                exceptions[date].append(
                    OpeningException(
                        pk=pk,
                        space=space,
                        date=date,
                        closed=closed,
                        opens=opens,
                        closes=closes,
                        note=text,
                    )
                )
            else:
                blocked.append(
                    BlockedPeriod(pk=pk, space=space, starts_at=b_start, ends_at=b_end, reason=text)
                )
        self.hours = {d: sorted(spans) for d, spans in hours.items()}
        self.exceptions = dict(exceptions)
        self.blocked = sorted(blocked, key=lambda b: b.starts_at)

    def windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening windows of a local date, aware, exceptions applied."""
        tz = timezone.get_current_timezone()
        rows = self.exceptions.get(day)
        if rows:
            if any(e.closed for e in rows):
                return []
            spans = sorted((e.opens, e.closes) for e in rows)
        else:
            spans = self.hours.get(day.weekday(), [])
        return [
            (
                dt.datetime.combine(day, opens, tzinfo=tz),
                dt.datetime.combine(day, closes, tzinfo=tz),
            )
            for opens, closes in spans
        ]

    def window_holding(self, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        day = timezone.localdate(starts_at)
        return any(o <= starts_at and ends_at <= c for o, c in self.windows(day))

    def blocked_for(self, starts_at, ends_at, actor=None) -> BlockedPeriod | None:
        for b in self.blocked:
            if b.starts_at < ends_at and b.ends_at > starts_at:
                if actor is not None and any(u.pk == actor.pk for u in b.overriders.all()):
                    continue
                return b
        return None

    def confirmed_overlap(self, starts_at, ends_at, *, exclude_pk=None) -> Booking | None:
        for b in self.bookings:
            if (
                b.status in Booking.CONFIRMED_STATES
                and b.pk != exclude_pk
                and b.starts_at < ends_at
                and b.ends_at > starts_at
            ):
                return b
        return None

    def requests_overlapping(self, starts_at, ends_at, *, exclude_pk=None) -> list[Booking]:
        return [
            b
            for b in self.bookings
            if b.status == Booking.Status.REQUESTED
            and b.pk != exclude_pk
            and b.starts_at < ends_at
            and b.ends_at > starts_at
        ]

    def intervals(self) -> list[Interval]:
        return _sweep(self)


_RANK = {FREE: 0, REQUESTED: 1, TAKEN: 2, BLOCKED: 3, CLOSED: 4}


def _events(cal: SpaceCalendar) -> list[tuple[dt.datetime, int, str, object]]:
    """Boundaries of every segment clipped to the range: (time, +1/-1, state, payload)."""
    start, end = cal.starts_at, cal.ends_at
    segments: list[tuple[dt.datetime, dt.datetime, str, object]] = []
    day, last = timezone.localdate(start), timezone.localdate(end)
    while day <= last:
        segments.extend((o, c, "open", None) for o, c in cal.windows(day))
        day += dt.timedelta(days=1)
    segments.extend((b.starts_at, b.ends_at, BLOCKED, b) for b in cal.blocked)
    for b in cal.bookings:
        state = REQUESTED if b.status == Booking.Status.REQUESTED else TAKEN
        segments.append((b.starts_at, b.ends_at, state, b))
    tz = timezone.get_current_timezone()
    events = []
    for s, e, state, payload in segments:
        s, e = max(s, start), min(e, end)
        if s < e:
            # Local time once here, so the intervals come out in it without more conversion.
            events.append((s.astimezone(tz), 1, state, payload))
            events.append((e.astimezone(tz), -1, state, payload))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    return events


def _state_now(active: dict[str, list[object]]) -> tuple[str, object]:
    if not active["open"]:
        return CLOSED, None
    for state in (BLOCKED, TAKEN, REQUESTED):
        if active[state]:
            return state, active[state][0]
    return FREE, None


def _sweep(cal: SpaceCalendar) -> list[Interval]:
    active: dict[str, list[object]] = {"open": [], BLOCKED: [], TAKEN: [], REQUESTED: []}
    out: list[Interval] = []
    tz = timezone.get_current_timezone()
    cursor = cal.starts_at.astimezone(tz)
    for when, delta, state, payload in _events(cal) + [(cal.ends_at.astimezone(tz), 0, "", None)]:
        if when > cursor:
            current, item = _state_now(active)
            _append(out, cursor, when, current, item)
            cursor = when
        if delta == 1:
            active[state].append(payload)
        elif delta == -1:
            held = active[state]
            held.pop(next(i for i, p in enumerate(held) if p is payload))
    return out


def _append(out: list[Interval], s, e, state: str, item) -> None:
    booking = item if isinstance(item, Booking) else None
    reason = item.reason if isinstance(item, BlockedPeriod) else ""
    if out and out[-1].state == state and out[-1].booking is booking and out[-1].ends_at == s:
        prev = out.pop()
        s = prev.starts_at
    out.append(Interval(starts_at=s, ends_at=e, state=state, booking=booking, reason=reason))


def opening_windows(*, space: Space, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    cal = SpaceCalendar(space=space, starts_at=start, ends_at=start + dt.timedelta(days=1))
    hours: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for h in OpeningHours.objects.filter(space=space, weekday=day.weekday()).order_by("opens"):
        hours[h.weekday].append((h.opens, h.closes))
    cal.hours = dict(hours)
    cal.exceptions = {day: list(OpeningException.objects.filter(space=space, date=day))}
    return cal.windows(day)


def availability(*, space: Space, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Interval]:
    """Contiguous intervals covering [starts_at, ends_at): free, requested (a request awaits
    approval; others may still ask), taken, blocked or closed. Two queries for any range."""
    if ends_at <= starts_at:
        return []
    return SpaceCalendar.load(space, starts_at, ends_at).intervals()


def is_free(*, space: Space, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether a booking of [starts_at, ends_at) could be asked for (open, not blocked or taken)."""
    intervals = availability(space=space, starts_at=starts_at, ends_at=ends_at)
    return bool(intervals) and all(i.state in (FREE, REQUESTED) for i in intervals)


# --- bookings --------------------------------------------------------------------------------

_BOOKING_RELATED = (
    "space__community",
    "space__compound",
    "booker",
    "booked_by",
    "household__compound",
    "household__unit__building",
    "organization",
)


def booking_list_mine(*, actor, upcoming: bool = False) -> QuerySet[Booking]:
    if not perms.authenticated(actor):  # noqa: SLF001
        return Booking.objects.none()
    qs = Booking.objects.filter(booker=actor).select_related(
        "space__community", "space__compound", "booked_by", "series"
    )
    if upcoming:
        qs = qs.filter(ends_at__gt=timezone.now(), status__in=Booking.LIVE_STATES)
    return qs.order_by("starts_at", "id")


def booking_list_for_space(
    *,
    actor,
    space: Space,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> QuerySet[Booking]:
    """Bookings of a space: all of them for its managers; otherwise the confirmed ones and
    the actor's own (the page decides what to show of other people's)."""
    qs = Booking.objects.filter(space=space).select_related(*_BOOKING_RELATED)
    if not perms.manages(actor, space):
        qs = qs.filter(Q(status__in=Booking.CONFIRMED_STATES) | Q(booker_id=actor.pk))
    if starts_at is not None:
        qs = qs.filter(ends_at__gt=starts_at)
    if ends_at is not None:
        qs = qs.filter(starts_at__lt=ends_at)
    return qs.order_by("starts_at", "id")


def booking_approval_queue(*, actor) -> QuerySet[Booking]:
    """Requests still awaiting a decision in spaces `actor` runs or approves, soonest first."""
    if not perms.authenticated(actor):  # noqa: SLF001
        return Booking.objects.none()
    run = scope_for(actor, Capability.MANAGE_SPACES)
    reach = (
        run.q(street="community__street_id", community="community_id", compound="compound_id")
        | Q(space__manager_id=actor.pk)
        | Q(space__in=Space.objects.filter(approvers=actor).values("pk"))
    )
    return (
        Booking.objects.filter(reach, status=Booking.Status.REQUESTED, ends_at__gt=timezone.now())
        .select_related(*_BOOKING_RELATED)
        .order_by("starts_at", "id")
    )


def booking_get(*, actor, uuid) -> Booking:
    value = parse_uuid(uuid)
    booking = (
        Booking.objects.select_related(*_BOOKING_RELATED, "space__community__street", "series")
        .filter(uuid=value)
        .first()
        if value
        else None
    )
    if booking is None or not perms.can_view_booking(actor, booking):
        raise Http404
    return booking


def booking_day_sheet(*, actor, space: Space, day: dt.date) -> QuerySet[Booking]:
    """The day's bookings for the door sheet; only for those who run the space."""
    if not perms.manages(actor, space):
        raise Http404
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    statuses = (*Booking.LIVE_STATES, Booking.Status.NO_SHOW)
    return (
        Booking.objects.filter(space=space, status__in=statuses)
        .overlapping(start, start + dt.timedelta(days=1))
        .select_related(*_BOOKING_RELATED)
        .order_by("starts_at", "id")
    )


def bookings_for_user_feed(*, user, since: dt.datetime | None = None) -> QuerySet[Booking]:
    """A user's live bookings for their calendar feed (from 30 days ago by default)."""
    since = since or timezone.now() - dt.timedelta(days=30)
    return (
        Booking.objects.filter(booker=user, status__in=Booking.LIVE_STATES, ends_at__gte=since)
        .select_related("space__community", "space__compound")
        .order_by("starts_at", "id")
    )


def bookings_for_space_feed(*, space: Space, since: dt.datetime | None = None):
    """Confirmed bookings of a space for its public feed (no names: the view shows purpose)."""
    since = since or timezone.now() - dt.timedelta(days=30)
    return (
        Booking.objects.filter(space=space, status__in=Booking.CONFIRMED_STATES, ends_at__gte=since)
        .select_related("space")
        .order_by("starts_at", "id")
    )


# --- waiting list ----------------------------------------------------------------------------


def waitlist_offers_holding(
    *, space: Space, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> list[WaitlistEntry]:
    """Open offers of the waiting list over [starts_at, ends_at): they hold their slot."""
    return list(
        WaitlistEntry.objects.filter(
            space=space,
            state=WaitlistEntry.State.OFFERED,
            offer_expires_at__gt=now,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
    )


def waitlist_mine(*, actor) -> QuerySet[WaitlistEntry]:
    if not perms.authenticated(actor):  # noqa: SLF001
        return WaitlistEntry.objects.none()
    return (
        WaitlistEntry.objects.filter(
            user=actor,
            state__in=(WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED),
            ends_at__gt=timezone.now(),
        )
        .select_related("space__community", "space__compound")
        .order_by("starts_at", "id")
    )


def waitlist_get(*, actor, uuid) -> WaitlistEntry:
    value = parse_uuid(uuid)
    entry = (
        WaitlistEntry.objects.select_related("space__community", "space__compound")
        .filter(uuid=value, user_id=getattr(actor, "pk", None))
        .first()
        if value and perms.authenticated(actor)
        else None
    )
    if entry is None:
        raise Http404
    return entry


def waitlist_position(*, entry: WaitlistEntry) -> int:
    """1 for the first waiting on an overlapping slot of the same space."""
    return (
        WaitlistEntry.objects.filter(
            space_id=entry.space_id,
            state=WaitlistEntry.State.WAITING,
            starts_at__lt=entry.ends_at,
            ends_at__gt=entry.starts_at,
            created_at__lt=entry.created_at,
        ).count()
        + 1
    )


# --- renewal records -------------------------------------------------------------------------


def _renewal_q(actor) -> Q:
    q = Q(pk__in=[])
    for cap in (Capability.MANAGE_SPACES, Capability.VIEW_SPACE_FIGURES):
        q |= _scope_q(scope_for(actor, cap))
    return q


def renewal_record_list(*, actor) -> QuerySet[RenewalRecord]:
    """Renewal records in the actor's MANAGE_SPACES or VIEW_SPACE_FIGURES scope."""
    if not perms.authenticated(actor):  # noqa: SLF001
        return RenewalRecord.objects.none()
    return (
        RenewalRecord.objects.filter(_renewal_q(actor))
        .select_related("community", "compound", "space")
        .order_by("-started_on", "title", "id")
    )


def renewal_record_get(*, actor, uuid) -> RenewalRecord:
    value = parse_uuid(uuid)
    record = (
        (
            renewal_record_list(actor=actor).select_related("community__street").filter(uuid=value)
        ).first()
        if value
        else None
    )
    if record is None:
        raise Http404
    return record


def compounds_of(spaces: Iterable[Space]) -> list:
    """Distinct compounds of `spaces`, for a directory's compound filter (no extra query)."""
    seen: dict[int, object] = {}
    for s in spaces:
        if s.compound_id and s.compound_id not in seen:
            seen[s.compound_id] = s.compound
    return sorted(seen.values(), key=lambda c: c.name)
