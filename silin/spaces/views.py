"""Pages of Neighbour Spaces: directory, space page with its week calendar, my bookings,
the day sheet, the door QR code and check-in. Booking and deciding are in `booking_views`.

Reads go through `selectors` (scoped; 404 outside scope), writes through `services`; the
week's slot grid is `calendar`, and what else the pages show in words is `presenters`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.core.access import require_perm
from silin.lib.http import safe_next
from silin.lib.qr import qr_png, qr_svg
from silin.spaces import calendar, calendar_html, presenters
from silin.spaces.forms import DURATIONS, OptionalReasonForm
from silin.spaces.models import Booking, Space, WaitlistEntry
from silin.spaces.selectors.availability import SpaceCalendar
from silin.spaces.selectors.bookings import (
    behalf_resident,
    booking_at_door,
    booking_day_sheet,
    booking_get,
    booking_list_mine,
    booking_missed_at_door,
    waitlist_get,
    waitlist_list_mine,
)
from silin.spaces.selectors.spaces import (
    directory_compounds,
    may_approve_somewhere,
    space_by_door_token,
    space_get,
    space_list_for,
    windows_on,
)
from silin.spaces.services import bookings, checkin, feeds, waitlist
from silin.spaces.services import spaces as space_services
from silin.spaces.services.common import SpaceError

PAGE_SIZE = 24


def _partial(request, target: str) -> bool:
    return bool(request.htmx) and request.htmx.target == target


# -- directory -------------------------------------------------------------------------------


def _booking_for(request):
    """The resident a worker books for from the directory (`?for=`); 404 outside her area."""
    value = request.GET.get("for")
    if value is None:
        return None
    resident = behalf_resident(actor=request.user, value=value)
    if resident is None:
        raise Http404
    return resident


def _behalf_urls(request, spaces: list[Space], resident) -> dict[int, str]:
    """Each space's page for booking it for `resident`, where the worker may."""
    if resident is None:
        return {}
    return {
        s.pk: f"{reverse('spaces:book-on-behalf', args=[s.uuid])}?resident={resident.uuid}"
        for s in spaces
        if request.user.has_perm("spaces.book_on_behalf", s)
    }


@login_required
def space_list(request):
    booking_for = _booking_for(request)
    filters, filter_error = presenters.directory_filters(request.GET)
    spaces = space_list_for(actor=request.user, filters=filters)
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    windows = windows_on(spaces=on_page, day=timezone.localdate())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "cards": presenters.space_cards(on_page, windows=windows),
        "filters": presenters.filter_values(request.GET),
        "filter_error": filter_error,
        "free_window": (filters.free_from, filters.free_until) if filters.free_from else None,
        "query": query.urlencode(),
        "kinds": Space.Kind.choices,
        "compounds": directory_compounds(actor=request.user),
        "durations": DURATIONS,
        "can_approve": may_approve_somewhere(request.user),
        "extra_links": presenters.directory_links(request.user),
        "booking_for": booking_for,
        "behalf_urls": _behalf_urls(request, on_page, booking_for),
    }
    if _partial(request, "space-results"):
        return render(request, "spaces/_space_results.html", context)
    return render(request, "spaces/space_list.html", context)


# -- the space page and its week calendar ----------------------------------------------------


# The space page lists the closures and special hours of the coming two months.
UPCOMING_DAYS = 60


def _day_param(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def calendar_context(
    request, space: Space, *, day: dt.date | None = None, rules: SpaceCalendar | None = None
) -> dict:
    """The week calendar of `day` (the day just booked) or of `?day=` / `?week=`; on a
    phone and in 长辈版, that day is the one shown first. `rules` is a calendar the caller
    loaded for the same week (the space page: with the coming exceptions)."""
    day = day or _day_param(request.GET.get("day"))
    monday = calendar.week_start(day.isoformat() if day else request.GET.get("week"))
    starts_at, ends_at = calendar.week_bounds(monday)
    if rules is None:
        rules = SpaceCalendar.load(space, starts_at, ends_at)
    intervals = rules.intervals()
    mine = calendar.my_ranges(intervals, actor=request.user)
    days = calendar.week_days(
        intervals,
        monday=monday,
        slot_minutes=calendar.slot_minutes_for(space),
        mine=mine,
        min_minutes=space.min_booking_minutes,
    )
    can_book = request.user.has_perm("spaces.book_space", space)
    return {
        "space": space,
        "days": days,
        "grid": calendar_html.week_grid(
            days,
            can_book=can_book,
            book_url=reverse("spaces:booking-create", args=[space.uuid]),
            wait_url=reverse("spaces:waitlist-join", args=[space.uuid]),
        ),
        "picked_day": calendar.picked_day(days, prefer=day),
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "can_book": can_book,
    }


@login_required
def space_detail(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    user = request.user
    day = _day_param(request.GET.get("day"))
    starts_at, ends_at = calendar.week_bounds(
        calendar.week_start(day.isoformat() if day else request.GET.get("week"))
    )
    today = timezone.localdate()
    # One query for the week's rules and the coming exceptions the page lists beside it.
    rules = SpaceCalendar.load(
        space, starts_at, ends_at, exceptions_through=today + dt.timedelta(days=UPCOMING_DAYS)
    )
    context = {
        **calendar_context(request, space, day=day, rules=rules),
        "hours": presenters.hours_table(rules.hours),
        "exceptions": rules.exceptions_between(today, today + dt.timedelta(days=UPCOMING_DAYS)),
        "policy": presenters.policy_lines(space),
        "amenities": presenters.amenity_labels(space),
        "accessibility": presenters.accessibility_labels(space),
        "can_manage": user.has_perm("spaces.manage_space", space),
        "can_behalf": user.has_perm("spaces.book_on_behalf", space),
        "figures_url": reverse("spaces:space-figures", args=[space.uuid])
        if user.has_perm("spaces.view_figures", space)
        else None,
        "today": today,
    }
    return render(request, "spaces/space_detail.html", context)


@login_required
def space_calendar(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    return render(request, "spaces/_week_calendar.html", calendar_context(request, space))


# -- my bookings -----------------------------------------------------------------------------


@login_required
def booking_mine(request):
    now = timezone.now()
    mine = list(booking_list_mine(actor=request.user))
    entries = list(waitlist_list_mine(actor=request.user))
    upcoming = [b for b in mine if b.ends_at >= now]
    days, hidden = presenters.upcoming_by_day(upcoming, show_all=bool(request.GET.get("all")))
    context = {
        "upcoming": upcoming,
        "upcoming_days": days,
        "hidden": hidden,
        "past": [b for b in reversed(mine) if b.ends_at < now][:12],
        "offers": [e for e in entries if e.state == WaitlistEntry.State.OFFERED],
        "waiting": [e for e in entries if e.state == WaitlistEntry.State.WAITING],
        "live_states": Booking.LIVE_STATES,
        "feed_url": request.build_absolute_uri(
            reverse("spaces:my-feed", args=[feeds.personal_feed_token(user=request.user)])
        ),
        "now": now,
    }
    return render(request, "spaces/booking_mine.html", context)


def done(request, message: str, fallback: str = "spaces:booking-mine"):
    messages.success(request, message)
    return redirect(safe_next(request, reverse(fallback)))


def failed(request, exc: SpaceError, fallback: str = "spaces:booking-mine"):
    for text in exc.messages:
        messages.error(request, text)
    return redirect(safe_next(request, reverse(fallback)))


@login_required
@require_POST
def booking_cancel(request, uuid):
    booking = booking_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.cancel_booking", booking)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        bookings.booking_cancel(actor=request.user, booking=booking, reason=reason)
    except SpaceError as exc:
        return failed(request, exc)
    return done(request, _("The booking is cancelled."))


@login_required
@require_POST
def waitlist_claim(request, uuid):
    entry = waitlist_get(actor=request.user, uuid=uuid)
    try:
        waitlist.waitlist_claim(actor=request.user, entry=entry)
    except SpaceError as exc:
        return failed(request, exc)
    return done(request, _("The slot is yours."))


@login_required
@require_POST
def waitlist_withdraw(request, uuid):
    entry = waitlist_get(actor=request.user, uuid=uuid)
    try:
        waitlist.waitlist_withdraw(actor=request.user, entry=entry)
    except SpaceError as exc:
        return failed(request, exc)
    return done(request, _("You have left the waiting list."))


@login_required
@require_POST
def feed_rotate(request):
    feeds.personal_feed_rotate(actor=request.user)
    return done(request, _("Your calendar link has changed; the old one no longer works."))


# -- managers: check-in on behalf, the day sheet ---------------------------------------------


@login_required
@require_POST
def booking_check_in(request, uuid):
    booking = booking_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.check_in_on_behalf", booking)
    fallback = reverse(
        "spaces:day-sheet", args=[booking.space.uuid, timezone.localdate(booking.starts_at)]
    )
    try:
        checkin.booking_check_in(actor=request.user, booking=booking)
    except SpaceError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(safe_next(request, fallback))
    messages.success(request, _("Checked in."))
    return redirect(safe_next(request, fallback))


@login_required
def day_sheet(request, uuid, day):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.manage_space", space)
    sheet = booking_day_sheet(actor=request.user, space=space, day=day)
    context = {
        "space": space,
        "day": day,
        "rows": presenters.day_sheet_rows(sheet),
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "now": timezone.now(),
    }
    return render(request, "spaces/day_sheet.html", context)


# -- the door: QR code and check-in ----------------------------------------------------------


def _check_in_url(request, space: Space) -> str:
    return request.build_absolute_uri(reverse("spaces:check-in", args=[space.door_token]))


@login_required
def space_qr(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.manage_space", space)
    url = _check_in_url(request, space)
    context = {
        "space": space,
        "url": url,
        "svg": qr_svg(url, title=space.name),
        "feed_url": request.build_absolute_uri(
            reverse("spaces:space-feed", args=[space.feed_token])
        ),
    }
    template = "spaces/door_sheet.html" if request.GET.get("print") else "spaces/space_qr.html"
    return render(request, template, context)


@login_required
def space_qr_png(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.manage_space", space)
    response = HttpResponse(qr_png(_check_in_url(request, space)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="space-{space.uuid}-qr.png"'
    return response


@login_required
@require_POST
def space_rotate_token(request, uuid):
    """A new door code or space calendar link; the old printed code or link stops working."""
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.manage_space", space)
    which = request.POST.get("which")
    if which not in ("door", "feed"):
        raise Http404
    space_services.space_rotate_tokens(actor=request.user, space=space, **{which: True})
    if which == "door":
        messages.success(request, _("New door code made: print it; the old one no longer works."))
    else:
        messages.success(request, _("New calendar link made; the old one no longer works."))
    return redirect("spaces:space-qr", uuid=space.uuid)


@login_required
def check_in(request, token):
    space = space_by_door_token(token=token)
    if request.method == "POST":
        try:
            booking = checkin.booking_check_in_at_door(actor=request.user, door_token=token)
        except SpaceError as exc:
            missed = booking_missed_at_door(actor=request.user, space=space)
            errors = presenters.door_errors(exc, missed=missed, space=space)
            context = {"space": space, "errors": errors, "booking": None}
            return render(request, "spaces/check_in.html", context, status=400)
        context = {"space": space, "booking": booking, "done": True}
        return render(request, "spaces/check_in.html", context)
    due = booking_at_door(actor=request.user, space=space)
    return render(request, "spaces/check_in.html", {"space": space, "booking": due})
