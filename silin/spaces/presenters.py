"""What the spaces pages show, in words and rows, from what the selectors read.

Pure: no query runs here (the week grid is in `calendar`). Texts are translated when
called, in the language of the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib.http import parse_uuid
from silin.lib.masking import mask_name
from silin.spaces.calendar import parse_local
from silin.spaces.models import Booking, OpeningHours, Space
from silin.spaces.selectors.spaces import SpaceFilters, Windows
from silin.spaces.services.checkin import CHECK_IN_EARLY_MINUTES

if TYPE_CHECKING:
    from django import forms
    from django.core.exceptions import ValidationError

# --- the directory's cards -------------------------------------------------------------------


@dataclass
class SpaceCard:
    space: Space
    open_now: bool
    hours_today: str
    amenities: list[str]


def amenity_labels(space: Space) -> list[str]:
    labels = dict(Space.Amenity.choices)
    return [str(labels[code]) for code in space.amenities if code in labels]


def space_cards(
    spaces: Sequence[Space], *, windows: Mapping[int, Windows], now: dt.datetime | None = None
) -> list[SpaceCard]:
    """Cards for one page of spaces, with today's `windows` (`selectors.spaces.windows_on`)."""
    clock = timezone.localtime(now or timezone.now()).time()
    cards = []
    for space in spaces:
        today = windows.get(space.pk, [])
        cards.append(
            SpaceCard(
                space=space,
                open_now=any(opens <= clock < closes for opens, closes in today),
                hours_today=", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in today),
                amenities=amenity_labels(space),
            )
        )
    return cards


# --- the space page --------------------------------------------------------------------------


def hours_table(hours: Mapping[int, Sequence[tuple[dt.time, dt.time]]]) -> list[dict[str, Any]]:
    """One row per weekday with its windows (`SpaceCalendar.hours`: weekday → sorted
    (opens, closes)); empty when no hours are set at all."""
    if not any(hours.values()):
        return []
    return [
        {
            "day": label,
            "windows": [f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in hours.get(day, [])],
        }
        for day, label in OpeningHours.Weekday.choices
    ]


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}
    text = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if rest:
        text += " " + ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}
    return text


def join_words(words: Sequence[str]) -> str:
    """ "residents, organisations and staff" · "居民、社会组织和工作人员"."""
    words = [str(w) for w in words]
    if len(words) < 2:
        return "".join(words)
    return _("%(items)s and %(last)s") % {"items": _(", ").join(words[:-1]), "last": words[-1]}


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
    return _("Who may book: %(who)s.") % {"who": join_words(who)}


def _open_to(space: Space) -> str:
    if space.reach == Space.Reach.COMPOUND:
        return _("It is open to the residents of its compound only.")
    if space.reach == Space.Reach.STREET:
        return _("It is open to the residents of the whole street.")
    return _("It is open to the residents of its community.")


def policy_lines(space: Space) -> list[str]:
    """The booking policy in plain words, one sentence a line."""
    lines = [_who_may_book(space), _open_to(space)]
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


def form_slot(form: forms.BaseForm) -> tuple[dt.datetime, dt.datetime] | None:
    """The slot a booking form is about: posted or from the calendar link, if both ends parse."""
    if form.is_bound:
        start = parse_local(form.data.get("starts_at"))
        end = parse_local(form.data.get("ends_at"))
    else:
        start, end = form.initial.get("starts_at"), form.initial.get("ends_at")
    if start is None or end is None or end <= start:
        return None
    return start, end


# --- the directory's filters and links -------------------------------------------------------

DEFAULT_FREE_MINUTES = 60


def filter_values(params: Mapping[str, str]) -> dict[str, Any]:
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


def _free_window(values: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None, str]:
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


def directory_filters(params: Mapping[str, str]) -> tuple[SpaceFilters, str]:
    """The selector's filters from the query string, and a message if the time is unusable."""
    values = filter_values(params)
    free_from, free_until, error = _free_window(values)
    kinds = {k for k, _label in Space.Kind.choices}
    filters = SpaceFilters(
        kind=values["kind"] if values["kind"] in kinds else "",
        compound=parse_uuid(values["compound"]),
        open_now=values["open_now"],
        accessible=values["accessible"],
        free_from=free_from,
        free_until=free_until,
    )
    return filters, error


def directory_links(user: Any) -> list[dict[str, str]]:
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


# --- staff pages -----------------------------------------------------------------------------


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


@dataclass
class SheetRow:
    booking: Booking
    name: str
    can_check_in: bool


def day_sheet_rows(
    bookings: Iterable[Booking], *, now: dt.datetime | None = None
) -> list[SheetRow]:
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


# --- the door and my bookings ----------------------------------------------------------------


def door_errors(exc: ValidationError, *, missed: Booking | None, space: Space) -> list[str]:
    """Why the door check-in failed, in words; says "too late" when a booking today was
    missed (`selectors.bookings.booking_missed_at_door`)."""
    if missed is None:
        return list(exc.messages)
    grace = dt.timedelta(minutes=space.check_in_grace_minutes)
    start = timezone.localtime(missed.starts_at)
    return [
        _(
            "Too late to check in: your booking began at %(start)s and check-in closed at "
            "%(closed)s. Ask the person on duty if you are here."
        )
        % {"start": f"{start:%H:%M}", "closed": f"{start + grace:%H:%M}"}
    ]


UPCOMING_DAYS = 14


def upcoming_by_day(
    bookings: Iterable[Booking], *, show_all: bool, now: dt.datetime | None = None
) -> tuple[list[tuple[dt.date, list[Booking]]], int]:
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
