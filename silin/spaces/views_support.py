"""Presentation helpers for the spaces pages: the week calendar grid and small parsers.

Reads only; the availability itself comes from S1's selectors. This module turns those
intervals into the slots a person taps.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib.masking import mask_name
from silin.people.models import Resident
from silin.places.models import Compound
from silin.spaces import selectors
from silin.spaces.models import Booking, OpeningException, OpeningHours, Space
from silin.spaces.services.checkin import CHECK_IN_EARLY_MINUTES

FREE = "free"
TAKEN = "taken"
BLOCKED = "blocked"
CLOSED = "closed"
PAST = "past"
MINE = "mine"

REQUESTED = "requested"

# Worse states win when a slot straddles several intervals. A request awaiting approval
# does not hold the slot: others may still ask for it, and approving one rejects the rest.
_RANK = {FREE: 0, REQUESTED: 1, TAKEN: 2, BLOCKED: 3, CLOSED: 4}


class Interval(Protocol):
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str

    @property
    def bookable(self) -> bool:
        return self.state in (FREE, REQUESTED)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class Day:
    date: dt.date
    is_today: bool
    slots: list[Slot] = field(default_factory=list)
    is_past: bool = False


def week_start(value: str | None, *, today: dt.date | None = None) -> dt.date:
    """The Monday of the week holding `value` (YYYY-MM-DD), or of this week if bad/missing."""
    today = today or timezone.localdate()
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - dt.timedelta(days=day.weekday())


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=7)


def _state_over(intervals: Sequence[Interval], start: dt.datetime, end: dt.datetime) -> str:
    worst = FREE
    covered = dt.timedelta()
    for interval in intervals:
        lo, hi = max(start, interval.starts_at), min(end, interval.ends_at)
        if lo >= hi:
            continue
        covered += hi - lo
        if _RANK.get(interval.state, 4) > _RANK[worst]:
            worst = interval.state if interval.state in _RANK else CLOSED
    return worst if covered >= end - start else CLOSED


def _open_runs(intervals: Sequence[Interval]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Maximal stretches that are not closed: the opening hours of the day."""
    runs: list[tuple[dt.datetime, dt.datetime]] = []
    for interval in sorted(intervals, key=lambda i: i.starts_at):
        if interval.state == CLOSED:
            continue
        if runs and runs[-1][1] >= interval.starts_at:
            runs[-1] = (runs[-1][0], max(runs[-1][1], interval.ends_at))
        else:
            runs.append((interval.starts_at, interval.ends_at))
    return runs


def day_slots(
    intervals: Sequence[Interval],
    *,
    slot_minutes: int,
    now: dt.datetime,
    mine: Iterable[tuple[dt.datetime, dt.datetime]] = (),
) -> list[Slot]:
    """Cuts one day's open hours into bookable slots of `slot_minutes`, each with a state."""
    step = dt.timedelta(minutes=slot_minutes)
    mine = list(mine)
    slots = []
    for run_start, run_end in _open_runs(intervals):
        start = run_start
        while start + step <= run_end:
            end = start + step
            state = _state_over(intervals, start, end)
            if any(s < end and start < e for s, e in mine):
                state = MINE
            elif start < now and state in (FREE, REQUESTED, TAKEN):
                state = PAST
            slots.append(Slot(start, end, state))
            start = end
    return slots


def week_days(
    intervals: Iterable[Interval],
    *,
    monday: dt.date,
    slot_minutes: int,
    now: dt.datetime | None = None,
    mine: Iterable[tuple[dt.datetime, dt.datetime]] = (),
) -> list[Day]:
    """Seven days from `monday`, each with its slots still to come, from one list of intervals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_date: dict[dt.date, list[Interval]] = {}
    for interval in intervals:
        day = timezone.localtime(interval.starts_at).date()
        by_date.setdefault(day, []).append(interval)
    mine = list(mine)
    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        day_intervals = by_date.get(date, [])
        slots = day_slots(day_intervals, slot_minutes=slot_minutes, now=now, mine=mine)
        # Hours gone by are noise on a small screen; one's own bookings stay in view.
        slots = [s for s in slots if s.state != PAST]
        days.append(Day(date=date, is_today=date == today, slots=slots, is_past=date < today))
    return days


def parse_local(value: str | None) -> dt.datetime | None:
    """An aware local datetime from an ISO string (a form field or a slot link), or None."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return timezone.localtime(parsed)


# -- feeds: the token is the credential, so these reads take no actor -----------------------

FEED_PAST_DAYS = 60


def space_feed_bookings(*, space, since: dt.datetime):
    shown = (*Booking.LIVE_STATES, Booking.Status.CANCELLED)
    return (
        Booking.objects.filter(space=space, ends_at__gte=since, status__in=shown)
        .select_related("space")
        .order_by("starts_at")
    )


def personal_feed_bookings(*, user, since: dt.datetime):
    return (
        Booking.objects.filter(booker=user, ends_at__gte=since)
        .select_related("space")
        .order_by("starts_at")
    )


# -- the directory's cards --------------------------------------------------------------------


@dataclass
class SpaceCard:
    space: Space
    open_now: bool
    hours_today: str
    amenities: list[str]


def _windows_today(space: Space, today: dt.date, exceptions: list[OpeningException]):
    own = [e for e in exceptions if e.space_id == space.pk]
    if own:
        if any(e.closed for e in own):
            return []
        return [(e.opens, e.closes) for e in own]
    weekday = today.weekday()
    return [(h.opens, h.closes) for h in space.opening_hours.all() if h.weekday == weekday]


def amenity_labels(space: Space) -> list[str]:
    labels = dict(Space.Amenity.choices)
    return [str(labels[code]) for code in space.amenities if code in labels]


def space_cards(spaces: Sequence[Space], *, now: dt.datetime | None = None) -> list[SpaceCard]:
    """Cards for one page of spaces: two queries (weekly hours, today's exceptions)."""
    now = timezone.localtime(now or timezone.now())
    today, clock = now.date(), now.time()
    spaces = list(spaces)
    prefetch_related_objects(spaces, "opening_hours")
    exceptions = list(OpeningException.objects.filter(space__in=spaces, date=today))
    cards = []
    for space in spaces:
        windows = _windows_today(space, today, exceptions)
        cards.append(
            SpaceCard(
                space=space,
                open_now=any(opens <= clock < closes for opens, closes in windows),
                hours_today=", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in windows),
                amenities=amenity_labels(space),
            )
        )
    return cards


# -- the space page -------------------------------------------------------------------------


def hours_table(space: Space) -> list[dict]:
    """One row per weekday with its windows; empty when no hours are set at all."""
    hours = list(space.opening_hours.all())
    if not hours:
        return []
    return [
        {
            "day": label,
            "windows": [f"{h.opens:%H:%M}–{h.closes:%H:%M}" for h in hours if h.weekday == day],
        }
        for day, label in OpeningHours.Weekday.choices
    ]


def upcoming_exceptions(space: Space, *, days: int = 60):
    today = timezone.localdate()
    return space.exceptions.filter(date__gte=today, date__lte=today + dt.timedelta(days=days))


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}
    text = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if rest:
        text += " " + ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}
    return text


def _who_may_book(space: Space) -> str:
    who = [
        label
        for allowed, label in (
            (space.bookable_by_residents, _("residents")),
            (space.bookable_by_organizations, _("community organisations")),
            (space.bookable_by_staff, _("staff")),
        )
        if allowed
    ]
    if not who:
        return _("Nobody can book this space at the moment.")
    return _("Who may book: %(who)s (%(reach)s).") % {
        "who": _(", ").join(str(w) for w in who),
        "reach": space.get_reach_display(),
    }


def policy_lines(space: Space) -> list[str]:
    """The booking policy in plain words, one sentence a line."""
    lines = [_who_may_book(space)]
    if space.approval_required:
        lines.append(_("Each booking is a request until a manager approves it."))
    else:
        lines.append(_("A booking is confirmed at once."))
    lines.append(
        _("You can book up to %(days)d days ahead, from %(short)s to %(long)s at a time.")
        % {
            "days": space.book_ahead_days,
            "short": duration_text(space.min_booking_minutes),
            "long": duration_text(space.max_booking_minutes),
        }
    )
    if space.weekly_quota_household_minutes:
        lines.append(
            _("Each household may book up to %(quota)s a week here.")
            % {"quota": duration_text(space.weekly_quota_household_minutes)}
        )
    if space.weekly_quota_organization_minutes:
        lines.append(
            _("Each organisation may book up to %(quota)s a week here.")
            % {"quota": duration_text(space.weekly_quota_organization_minutes)}
        )
    lines.append(
        _(
            "Scan the code at the door to check in, at the latest %(grace)s after the start; "
            "otherwise the booking is released to the waiting list."
        )
        % {"grace": duration_text(space.check_in_grace_minutes)}
    )
    return lines


def accessibility_labels(space: Space) -> list[str]:
    return [
        str(label)
        for present, label in (
            (space.step_free, _("step-free access")),
            (space.lift, _("lift")),
            (space.accessible_toilet, _("accessible toilet")),
        )
        if present
    ]


def slot_minutes_for(space: Space) -> int:
    """Hour slots where the policy allows them; otherwise the shortest booking."""
    if space.min_booking_minutes <= 60 <= space.max_booking_minutes:
        return 60
    return space.min_booking_minutes


def my_ranges(intervals, *, actor) -> list[tuple[dt.datetime, dt.datetime]]:
    """The actor's own bookings among the availability intervals (no extra query)."""
    pk = getattr(actor, "pk", None)
    return [
        (i.starts_at, i.ends_at)
        for i in intervals
        if getattr(i, "booking", None) is not None and i.booking.booker_id == pk
    ]


def last_booking_defaults(*, actor, space: Space) -> dict:
    """Purpose and number of people of the actor's last booking here, to prefill the form."""
    booking = (
        Booking.objects.filter(space=space, booker=actor)
        .order_by("-created_at")
        .only("purpose", "attendees")
        .first()
    )
    if booking is None:
        return {"purpose": "", "attendees": 1}
    return {"purpose": booking.purpose, "attendees": booking.attendees}


def my_booking_at_door(*, actor, space: Space, now: dt.datetime | None = None):
    """The actor's booking of `space` closest to now (today), to name it on the check-in page."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(
            space=space,
            booker=actor,
            status__in=(Booking.Status.APPROVED, Booking.Status.CHECKED_IN),
            ends_at__gt=now - dt.timedelta(hours=1),
            starts_at__lt=now + dt.timedelta(hours=12),
        )
        .order_by("starts_at")
        .first()
    )


# -- staff pages ----------------------------------------------------------------------------


def overlapping_requests(bookings: Sequence[Booking]) -> dict[int, list[Booking]]:
    """For each request in the queue, the other queued requests of its space that overlap it."""
    by_space: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_space.setdefault(booking.space_id, []).append(booking)
    result: dict[int, list[Booking]] = {}
    for group in by_space.values():
        for booking in group:
            result[booking.pk] = [
                other
                for other in group
                if other.pk != booking.pk
                and other.starts_at < booking.ends_at
                and booking.starts_at < other.ends_at
            ]
    return result


def behalf_candidates(*, actor, name: str, limit: int = 15):
    """Residents in the actor's register scope who have an account to book under."""
    name = name.strip()
    if not name:
        return Resident.objects.none()
    return (
        Resident.objects.visible_to(actor)
        .filter(name__contains=name, user__isnull=False, user__is_active=True)
        .select_related("user", "household")
        .order_by("name")[:limit]
    )


# -- the directory's filters and links --------------------------------------------------------

DEFAULT_FREE_MINUTES = 60


def filter_values(params) -> dict:
    """The filter form's values as typed, to show them again."""
    try:
        duration = int(params.get("duration") or DEFAULT_FREE_MINUTES)
    except ValueError:
        duration = DEFAULT_FREE_MINUTES
    return {
        "kind": params.get("kind", ""),
        "compound": params.get("compound", ""),
        "open_now": bool(params.get("open_now")),
        "accessible": bool(params.get("accessible")),
        "date": params.get("date", ""),
        "time": params.get("time", ""),
        "duration": duration,
    }


def _free_window(values: dict) -> tuple[dt.datetime | None, dt.datetime | None, str]:
    if not values["date"] and not values["time"]:
        return None, None, ""
    try:
        day = dt.date.fromisoformat(values["date"])
        clock = dt.time.fromisoformat(values["time"])
    except ValueError:
        return None, None, _("Give both a date and a time to find the spaces free then.")
    if not 15 <= values["duration"] <= 24 * 60:
        return None, None, _("Choose how long you need the space.")
    start = timezone.make_aware(dt.datetime.combine(day, clock))
    return start, start + dt.timedelta(minutes=values["duration"]), ""


def directory_filters(params) -> tuple[selectors.SpaceFilters, str]:
    """The selector's filters from the query string, and a message if the time is unusable."""
    values = filter_values(params)
    free_from, free_until, error = _free_window(values)
    kinds = {k for k, _label in Space.Kind.choices}
    filters = selectors.SpaceFilters(
        kind=values["kind"] if values["kind"] in kinds else "",
        compound=_uuid_or_none(values["compound"]),
        open_now=values["open_now"],
        accessible=values["accessible"],
        free_from=free_from,
        free_until=free_until,
    )
    return filters, error


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def directory_compounds(*, actor):
    """The compounds that hold a space the actor sees: one query."""
    visible = selectors.space_list_for(actor=actor).filter(compound__isnull=False)
    return (
        Compound.objects.filter(pk__in=visible.values("compound_id"))
        .only("uuid", "name")
        .order_by("name")
    )


def may_approve_somewhere(user) -> bool:
    if not scope_for(user, Capability.MANAGE_SPACES).empty:
        return True
    return Space.objects.filter(Q(manager=user) | Q(approvers=user)).exists()


def directory_links(user) -> list[dict]:
    """Links to the figures and renewal pages, where this deployment serves them."""
    links = []
    for name, label, icon, capability in (
        ("spaces:figures", _("Use figures"), "bar-chart", Capability.VIEW_SPACE_FIGURES),
        (
            "spaces:renewal-list",
            _("Where spaces came from"),
            "hammer",
            Capability.VIEW_SPACE_FIGURES,
        ),
    ):
        if scope_for(user, capability).empty:
            continue
        links.append({"url": reverse(name), "label": label, "icon": icon})
    return links


def behalf_resident(*, actor, value: str | None):
    """The resident chosen on the on-behalf form, if in the actor's register scope."""
    key = _uuid_or_none(value or "")
    if key is None:
        return None
    return (
        Resident.objects.visible_to(actor)
        .filter(uuid=key, user__isnull=False, user__is_active=True)
        .select_related("user")
        .first()
    )


@dataclass
class SheetRow:
    booking: Booking
    name: str
    can_check_in: bool


def day_sheet_rows(bookings, *, now: dt.datetime | None = None) -> list[SheetRow]:
    """The day's bookings for the door sheet: names masked as in the register (刘**).

    Staff may check someone in from shortly before the start until the end (as the service
    allows), so the button shows only then.
    """
    now = now or timezone.now()
    early = dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
    return [
        SheetRow(
            booking=b,
            name=mask_name(b.booker.name),
            can_check_in=b.status == Booking.Status.APPROVED
            and b.starts_at - early <= now <= b.ends_at,
        )
        for b in bookings
    ]


def form_slot(form) -> tuple[dt.datetime, dt.datetime] | None:
    """The slot a booking form is about: posted or from the calendar link, if both ends parse."""
    if form.is_bound:
        start = parse_local(form.data.get("starts_at"))
        end = parse_local(form.data.get("ends_at"))
    else:
        start, end = form.initial.get("starts_at"), form.initial.get("ends_at")
    if start is None or end is None or end <= start:
        return None
    return start, end


def door_errors(exc, *, actor, space: Space, now: dt.datetime | None = None) -> list[str]:
    """Why the door check-in failed, in words; says "too late" when a booking today was missed."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=space.check_in_grace_minutes)
    missed = (
        Booking.objects.filter(
            space=space,
            booker=actor,
            status=Booking.Status.APPROVED,
            starts_at__date=timezone.localdate(now),
            starts_at__lt=now - grace,
        )
        .order_by("-starts_at")
        .first()
    )
    later_today = Booking.objects.filter(
        space=space,
        booker=actor,
        status=Booking.Status.APPROVED,
        starts_at__gt=now,
        starts_at__date=timezone.localdate(now),
    )
    if missed is None or later_today.exists():  # "not yet" says more than "missed"
        return list(exc.messages)
    return [_missed_text(missed, grace)]


def _missed_text(booking: Booking, grace: dt.timedelta) -> str:
    start = timezone.localtime(booking.starts_at)
    return _(
        "Too late to check in: your booking began at %(start)s and check-in closed at "
        "%(closed)s. Ask the person on duty if you are here."
    ) % {"start": f"{start:%H:%M}", "closed": f"{start + grace:%H:%M}"}


UPCOMING_DAYS = 14


def upcoming_by_day(bookings, *, show_all: bool, now: dt.datetime | None = None):
    """Upcoming bookings grouped by local date; only the next two weeks unless `show_all`.

    Returns (days, hidden): days as [(date, [booking, ...]), ...], and how many were left out.
    """
    now = now or timezone.now()
    limit = timezone.localdate(now) + dt.timedelta(days=UPCOMING_DAYS)
    days: dict[dt.date, list[Booking]] = {}
    hidden = 0
    for booking in bookings:
        day = timezone.localdate(booking.starts_at)
        if not show_all and day > limit:
            hidden += 1
            continue
        days.setdefault(day, []).append(booking)
    return list(days.items()), hidden


def picked_day(days: Sequence[Day]) -> int:
    """The day a phone shows first: the first from today on with a slot left, else today."""
    upcoming = [i for i, day in enumerate(days) if not day.is_past and day.slots]
    if upcoming:
        return upcoming[0]
    return next((i for i, day in enumerate(days) if day.is_today), 0)
