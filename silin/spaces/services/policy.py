"""Who books for whom, and what a request must satisfy before any slot is written.

Shared by `bookings`, `series` and `waitlist`: the checks of the booker (`resolve`), of the
request itself (`check_basics`, `check_when`), of the slot against the space's calendar
(`slot_problem`) and of the weekly quota (`Quota`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.places.models import Household
from silin.spaces import permissions as perms
from silin.spaces.formatting import day_text, sentences
from silin.spaces.models import Booking, Space
from silin.spaces.selectors.availability import SpaceCalendar, waitlist_offers_holding
from silin.spaces.selectors.bookings import own_bookings_overlapping
from silin.spaces.services.common import NON_FIELD, OwnOverlap, SpaceError, hm, when_text

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.organizations.models import Organization
    from silin.spaces.models import WaitlistEntry


@dataclass
class Ask:
    """One request to book: who acts, for whom, where, and what for."""

    actor: User
    space: Space
    booker: User
    household: Household | None
    organization: Organization | None
    purpose: str
    attendees: int
    booked_by: User | None = None


@dataclass
class Problem:
    code: str  # closed | blocked | taken | held | mine | quota | past | horizon | length
    field: str
    message: str


def household_of(user: User) -> Household | None:
    return perms.own_household(user)


def _check_org(ask: Ask, organization: Organization, on_behalf: bool) -> None:
    space = ask.space
    if not space.bookable_by_organizations:
        raise SpaceError({"organization": [_("Organisations may not book this space.")]})
    if on_behalf:
        same = (
            organization.community.street_id == space.community.street_id
            if space.reach == Space.Reach.STREET
            else organization.community_id == space.community_id
        )
        if not same:
            raise SpaceError({"organization": [_("This space is not open to this organisation.")]})
    elif not perms.leads_organization(ask.booker, space, organization):
        raise SpaceError(
            {"organization": [_("You can book for an organisation only if you belong to it.")]}
        )


def resolve(
    *,
    actor: User,
    space: Space,
    booker: User | None,
    household: Household | None,
    organization: Organization | None,
    purpose: str,
    attendees: int,
) -> Ask:
    """Who books for whom; raises unless the actor may make this booking at all."""
    if not perms.can_view_space(actor, space):
        raise PermissionDenied
    booker = booker or actor
    on_behalf = booker.pk != actor.pk
    if on_behalf and not perms.can_book_on_behalf(actor, space):
        raise SpaceError({"booker": [_("You may not book this space for someone else.")]})
    own_household = household_of(booker)
    if household is None:
        household = own_household
    elif own_household is not None and household.pk != own_household.pk:
        raise SpaceError({"household": [_("This is not the household of the person booking.")]})
    ask = Ask(actor, space, booker, household, organization, purpose.strip(), attendees)
    ask.booked_by = actor if on_behalf else None
    if organization is not None:
        _check_org(ask, organization, on_behalf)
    elif not perms.may_book_for_self(booker, space):
        message = (
            _("This space is not open to the person you are booking for.")
            if on_behalf
            else _("This space is not open to you for booking.")
        )
        raise SpaceError({"booker" if on_behalf else NON_FIELD: [message]})
    return ask


def _length_error(space: Space, minutes: int) -> str:
    if minutes <= 0:
        return _("The end must be after the start.")
    if minutes < space.min_booking_minutes:
        return _("A booking here lasts at least %(minutes)d minutes.") % {
            "minutes": space.min_booking_minutes
        }
    if minutes > space.max_booking_minutes:
        return _("A booking here lasts at most %(minutes)d minutes.") % {
            "minutes": space.max_booking_minutes
        }
    return ""


def check_basics(ask: Ask, minutes: int) -> dict[str, list[str]]:
    """The request on its own: the space open for booking, purpose, people, length."""
    space = ask.space
    errors: dict[str, list[str]] = {}
    if not space.active:
        errors[NON_FIELD] = [_("This space is closed for booking.")]
    if not ask.purpose:
        errors["purpose"] = [_("Please say what the booking is for.")]
    elif len(ask.purpose) > 200:
        errors["purpose"] = [_("Please keep the purpose under 200 characters.")]
    if ask.attendees is None or ask.attendees < 1:
        errors["attendees"] = [_("At least one person attends.")]
    elif ask.attendees > space.capacity:
        errors["attendees"] = [
            _("This space holds at most %(capacity)d people.") % {"capacity": space.capacity}
        ]
    if length := _length_error(space, minutes):
        errors["ends_at"] = [length]
    return errors


def when_problem(space: Space, starts_at: dt.datetime, now: dt.datetime) -> Problem | None:
    """Why the start cannot be booked now: in the past, or beyond the booking horizon."""
    if starts_at < now:
        return Problem("past", "starts_at", _("This time has already passed."))
    if starts_at > now + dt.timedelta(days=space.book_ahead_days):
        message = _("This space can be booked at most %(days)d days ahead.") % {
            "days": space.book_ahead_days
        }
        return Problem("horizon", "starts_at", message)
    return None


def check_when(space: Space, starts_at: dt.datetime, now: dt.datetime) -> str:
    """Why the start cannot be booked now (past, too far ahead), or ""."""
    problem = when_problem(space, starts_at, now)
    return problem.message if problem else ""


def week_start(value: dt.datetime) -> dt.date:
    day = timezone.localdate(value)
    return day - dt.timedelta(days=day.weekday())


class Quota:
    """Minutes already booked per week by the household and the organisation, at one space."""

    def __init__(self, ask: Ask, first: dt.datetime, last: dt.datetime):
        space = ask.space
        self.limits = {
            "household": space.weekly_quota_household_minutes if ask.household else None,
            "organization": space.weekly_quota_organization_minutes if ask.organization else None,
        }
        self.used: dict[tuple[str, dt.date], int] = defaultdict(int)
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(week_start(first), dt.time(0), tzinfo=tz)
        end = dt.datetime.combine(week_start(last), dt.time(0), tzinfo=tz) + dt.timedelta(days=7)
        for who, obj in (("household", ask.household), ("organization", ask.organization)):
            if self.limits[who] is None:
                continue
            rows = Booking.objects.filter(
                space=space,
                status__in=Booking.LIVE_STATES,
                starts_at__gte=start,
                starts_at__lt=end,
                **{who: obj},
            ).values_list("starts_at", "ends_at")
            for s, e in rows:
                self.used[(who, week_start(s))] += int((e - s).total_seconds() // 60)

    def problem(self, starts_at: dt.datetime, minutes: int) -> str:
        week = week_start(starts_at)
        for who, label in (
            ("household", _("your household")),
            ("organization", _("the organisation")),
        ):
            limit = self.limits[who]
            if limit is not None and self.used[(who, week)] + minutes > limit:
                return _(
                    "This would take %(who)s over its weekly quota here: %(used)d of "
                    "%(limit)d minutes are already booked in the week of %(week)s."
                ) % {
                    "who": label,
                    "used": self.used[(who, week)],
                    "limit": limit,
                    "week": day_text(week),
                }
        return ""

    def add(self, starts_at: dt.datetime, minutes: int) -> None:
        for who in ("household", "organization"):
            if self.limits[who] is not None:
                self.used[(who, week_start(starts_at))] += minutes


def _closed_message(cal: SpaceCalendar, starts_at: dt.datetime) -> str:
    windows = cal.windows(timezone.localdate(starts_at))
    if not windows:
        return _("The space is closed that day.")
    spans = ", ".join(f"{hm(o)}–{hm(c)}" for o, c in windows)
    return _("The space is not open for all of this time. Opening hours that day: %(hours)s.") % {
        "hours": spans
    }


def _held_for_another(
    ask: Ask,
    offers: Sequence[WaitlistEntry],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    skip_offer: int | None,
) -> Problem | None:
    for entry in offers:
        mine_or_claimed = entry.pk == skip_offer or entry.user_id == ask.booker.pk
        if not mine_or_claimed and entry.starts_at < ends_at and entry.ends_at > starts_at:
            message = _(
                "This time is being offered to someone on the waiting list until %(time)s."
            ) % {"time": hm(entry.offer_expires_at) if entry.offer_expires_at else ""}
            return Problem("held", "starts_at", message)
    return None


def already_booked_message() -> str:
    return _("This time is already booked. Please choose another time or join the waiting list.")


def slot_problem(
    ask: Ask,
    cal: SpaceCalendar,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    offers: Sequence[WaitlistEntry],
    *,
    skip_offer: int | None = None,
) -> Problem | None:
    """Why [starts_at, ends_at) cannot be booked now, or None."""
    if not cal.window_holding(starts_at, ends_at):
        return Problem("closed", "starts_at", _closed_message(cal, starts_at))
    block = cal.blocked_for(starts_at, ends_at, ask.actor)
    if block is not None:
        return Problem(
            "blocked",
            "starts_at",
            _("This time is blocked: %(reason)s.") % {"reason": block.reason},
        )
    if cal.confirmed_overlap(starts_at, ends_at) is not None:
        return Problem("taken", "starts_at", already_booked_message())
    for b in cal.requests_overlapping(starts_at, ends_at):
        if b.booker_id == ask.booker.pk:
            return Problem("mine", "starts_at", _("You have already asked for this time."))
    return _held_for_another(ask, offers, starts_at, ends_at, skip_offer)


def quota_problem(ask: Ask, starts_at: dt.datetime, minutes: int) -> Problem | None:
    message = Quota(ask, starts_at, starts_at).problem(starts_at, minutes)
    return Problem("quota", "ends_at", message) if message else None


def slot_refusal(
    *,
    actor: User,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    booker: User | None = None,
    now: dt.datetime | None = None,
) -> Problem | None:
    """Why [starts_at, ends_at) cannot be booked, to say so before the form is filled in.

    A read: the checks `bookings.book_slot` makes of the length, the time and the slot,
    without taking the lock (the booking itself checks again under it).
    """
    now = now or timezone.now()
    if length := _length_error(space, int((ends_at - starts_at).total_seconds() // 60)):
        return Problem("length", "ends_at", length)
    if problem := when_problem(space, starts_at, now):
        return problem
    ask = Ask(actor, space, booker or actor, None, None, "", 1)
    cal = SpaceCalendar.load(space, starts_at, ends_at, with_overriders=True)
    offers = waitlist_offers_holding(space=space, starts_at=starts_at, ends_at=ends_at, now=now)
    return slot_problem(ask, cal, starts_at, ends_at, offers)


# --- the person's own bookings elsewhere -------------------------------------------------------


def overlap_message(
    *, actor: User, booker: User, overlaps: Sequence[Booking], refused: bool = False
) -> str:
    """The person's other bookings at that time, named, and whether this space refuses."""
    places = _("; ").join(
        _("%(space)s, %(start)s–%(end)s")
        % {"space": b.space.name, "start": when_text(b.starts_at), "end": hm(b.ends_at)}
        for b in overlaps
    )
    if booker.pk == actor.pk:
        text = _("You already have a booking at this time: %(places)s.") % {"places": places}
    else:
        text = _("%(name)s already has a booking at this time: %(places)s.") % {
            "name": booker.name,
            "places": places,
        }
    if refused:
        refusal = _(
            "This space does not take a booking from someone booked elsewhere at the same time."
        )
        return sentences(text, refusal)
    return text


def check_own_overlaps(
    ask: Ask,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    overlap_ok: bool,
    overlaps: list[Booking] | None = None,
) -> list[Booking]:
    """Raise `OwnOverlap` if the person is booked elsewhere then: refused where the space's
    policy says so, otherwise unless the booker confirmed (`overlap_ok`). Returns those
    other bookings (made anyway: the answer names them). `overlaps`: already read
    (`SpaceCalendar.load(..., booker=...)`)."""
    if overlaps is None:
        overlaps = own_bookings_overlapping(
            booker=ask.booker, starts_at=starts_at, ends_at=ends_at, other_than=ask.space
        )
    if not overlaps:
        return overlaps
    refused = not ask.space.allow_overlapping_own_bookings
    if refused or not overlap_ok:
        message = overlap_message(
            actor=ask.actor, booker=ask.booker, overlaps=overlaps, refused=refused
        )
        raise OwnOverlap(message, overlaps=overlaps, refused=refused)
    return overlaps


def may_decide(actor: User, space: Space) -> bool:
    """Whether `actor` approves bookings here: those who run it and its named approvers."""
    return perms.manages(actor, space) or perms.is_approver(actor, space)


def auto_approved(ask: Ask) -> bool:
    """A booking is confirmed at once unless the space asks for approval by someone else."""
    return not ask.space.approval_required or may_decide(ask.actor, ask.space)
