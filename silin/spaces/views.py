"""Pages of Neighbour Spaces: directory, space page with its week calendar, booking, my
bookings, the approval queue, booking on behalf, the day sheet, the door QR code and check-in.

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
from silin.core.forms import add_service_errors
from silin.lib.http import safe_next
from silin.lib.qr import qr_png, qr_svg
from silin.spaces import calendar, presenters
from silin.spaces.forms import (
    DURATIONS,
    BehalfBookingForm,
    BookingForm,
    OptionalReasonForm,
    ReasonForm,
    SeriesForm,
    WaitlistForm,
)
from silin.spaces.models import Booking, Space, WaitlistEntry
from silin.spaces.selectors.availability import availability
from silin.spaces.selectors.bookings import (
    behalf_candidates,
    behalf_resident,
    booking_approval_queue,
    booking_at_door,
    booking_day_sheet,
    booking_get,
    booking_list_mine,
    booking_missed_at_door,
    last_booking_defaults,
    waitlist_get,
    waitlist_list_mine,
)
from silin.spaces.selectors.spaces import (
    directory_compounds,
    may_approve_somewhere,
    opening_exceptions_upcoming,
    opening_hours_of,
    space_by_door_token,
    space_get,
    space_list_for,
    windows_on,
)
from silin.spaces.services import bookings, checkin, feeds, series, waitlist
from silin.spaces.services import spaces as space_services
from silin.spaces.services.common import SpaceError

PAGE_SIZE = 24


def _partial(request, target: str) -> bool:
    return bool(request.htmx) and request.htmx.target == target


def _form_status(request, form) -> int:
    """400 for a refused form, except to htmx: it swaps only 2xx answers into the page."""
    return 400 if form.is_bound and not request.htmx else 200


# -- directory -------------------------------------------------------------------------------


@login_required
def space_list(request):
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
    }
    if _partial(request, "space-results"):
        return render(request, "spaces/_space_results.html", context)
    return render(request, "spaces/space_list.html", context)


# -- the space page and its week calendar ----------------------------------------------------


def _calendar_context(request, space: Space, *, week: str | None = None) -> dict:
    monday = calendar.week_start(week or request.GET.get("week"))
    starts_at, ends_at = calendar.week_bounds(monday)
    intervals = availability(space=space, starts_at=starts_at, ends_at=ends_at)
    mine = calendar.my_ranges(intervals, actor=request.user)
    days = calendar.week_days(
        intervals, monday=monday, slot_minutes=calendar.slot_minutes_for(space), mine=mine
    )
    return {
        "space": space,
        "days": days,
        "picked_day": calendar.picked_day(days),
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "can_book": request.user.has_perm("spaces.book_space", space),
    }


@login_required
def space_detail(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    user = request.user
    context = {
        **_calendar_context(request, space),
        "hours": presenters.hours_table(opening_hours_of(space=space)),
        "exceptions": opening_exceptions_upcoming(space=space),
        "policy": presenters.policy_lines(space),
        "amenities": presenters.amenity_labels(space),
        "accessibility": presenters.accessibility_labels(space),
        "can_manage": user.has_perm("spaces.manage_space", space),
        "can_behalf": user.has_perm("spaces.book_on_behalf", space),
        "figures_url": reverse("spaces:space-figures", args=[space.uuid])
        if user.has_perm("spaces.view_figures", space)
        else None,
        "today": timezone.localdate(),
    }
    return render(request, "spaces/space_detail.html", context)


@login_required
def space_calendar(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    return render(request, "spaces/_week_calendar.html", _calendar_context(request, space))


# -- booking ---------------------------------------------------------------------------------


def _slot_initial(request, space: Space) -> dict:
    return {
        "starts_at": calendar.parse_local(request.GET.get("starts_at")),
        "ends_at": calendar.parse_local(request.GET.get("ends_at")),
        **last_booking_defaults(actor=request.user, space=space),
    }


def _booked_response(request, space: Space, booking):
    if booking.status == booking.Status.REQUESTED:
        note = _("Your request has been sent; you will get a notice when it is decided.")
    else:
        note = _("Booked. It is in “My bookings”.")
    if not request.htmx:
        messages.success(request, note)
        return redirect("spaces:space-detail", uuid=space.uuid)
    week = timezone.localdate(booking.starts_at).isoformat()
    context = {**_calendar_context(request, space, week=week), "booking": booking, "note": note}
    return render(request, "spaces/_booking_done.html", context)


@login_required
def booking_create(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_space", space)
    form = BookingForm(request.POST or None, initial=_slot_initial(request, space))
    if request.method == "POST" and form.is_valid():
        try:
            booking = bookings.booking_create(actor=request.user, space=space, **form.cleaned_data)
        except SpaceError as exc:
            add_service_errors(form, exc)
        else:
            return _booked_response(request, space, booking)
    template = "spaces/_booking_form.html" if request.htmx else "spaces/booking_form.html"
    context = {"space": space, "form": form, "slot": presenters.form_slot(form)}
    return render(request, template, context, status=_form_status(request, form))


@login_required
def series_create(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_space", space)
    initial = last_booking_defaults(actor=request.user, space=space)
    form = SeriesForm(request.POST or None, initial={**initial, "first_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = series.booking_series_create(
                actor=request.user,
                space=space,
                rrule=form.rrule(),
                first_starts_at=form.first_starts_at(),
                duration_minutes=data["duration"],
                purpose=data["purpose"],
                attendees=data["attendees"],
                skip_clashes=data["skip_clashes"],
            )
        except SpaceError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "spaces/series_done.html", {"space": space, "result": result})
    status = 400 if form.is_bound else 200
    return render(request, "spaces/series_form.html", {"space": space, "form": form}, status=status)


@login_required
def waitlist_join(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_space", space)
    form = WaitlistForm(request.POST or None, initial=_slot_initial(request, space))
    if request.method == "POST" and form.is_valid():
        try:
            waitlist.waitlist_join(actor=request.user, space=space, **form.cleaned_data)
        except SpaceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("You are on the waiting list; we will tell you if it frees up.")
            )
            return redirect("spaces:booking-mine")
    template = "spaces/_waitlist_form.html" if request.htmx else "spaces/waitlist_form.html"
    context = {"space": space, "form": form, "slot": presenters.form_slot(form)}
    return render(request, template, context, status=_form_status(request, form))


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


def _done(request, message: str, fallback: str = "spaces:booking-mine"):
    messages.success(request, message)
    return redirect(safe_next(request, reverse(fallback)))


def _failed(request, exc: SpaceError, fallback: str = "spaces:booking-mine"):
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
        return _failed(request, exc)
    return _done(request, _("The booking is cancelled."))


@login_required
@require_POST
def waitlist_claim(request, uuid):
    entry = waitlist_get(actor=request.user, uuid=uuid)
    try:
        waitlist.waitlist_claim(actor=request.user, entry=entry)
    except SpaceError as exc:
        return _failed(request, exc)
    return _done(request, _("The slot is yours."))


@login_required
@require_POST
def waitlist_withdraw(request, uuid):
    entry = waitlist_get(actor=request.user, uuid=uuid)
    try:
        waitlist.waitlist_withdraw(actor=request.user, entry=entry)
    except SpaceError as exc:
        return _failed(request, exc)
    return _done(request, _("You have left the waiting list."))


@login_required
@require_POST
def feed_rotate(request):
    feeds.personal_feed_rotate(actor=request.user)
    return _done(request, _("Your calendar link has changed; the old one no longer works."))


# -- managers: approvals, on behalf, check-in, day sheet -------------------------------------


def _queue_page(request, *, reject_form=None, rejecting=None, status=200):
    queue = list(booking_approval_queue(actor=request.user))
    context = {
        "bookings": queue,
        "overlaps": presenters.overlapping_requests(queue),
        "reject_form": reject_form,
        "rejecting": rejecting,
    }
    return render(request, "spaces/approval_queue.html", context, status=status)


@login_required
def approval_queue(request):
    if not may_approve_somewhere(request.user):
        raise Http404
    return _queue_page(request)


@login_required
@require_POST
def booking_approve(request, uuid):
    booking = booking_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.approve_booking", booking)
    try:
        bookings.booking_approve(actor=request.user, booking=booking)
    except SpaceError as exc:
        return _failed(request, exc, "spaces:approval-queue")
    return _done(
        request, _("Approved; overlapping requests were declined."), "spaces:approval-queue"
    )


@login_required
@require_POST
def booking_reject(request, uuid):
    booking = booking_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.reject_booking", booking)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            bookings.booking_reject(
                actor=request.user, booking=booking, reason=form.cleaned_data["reason"]
            )
        except SpaceError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, _("The request was declined."), "spaces:approval-queue")
    return _queue_page(request, reject_form=form, rejecting=booking.pk, status=400)


@login_required
def book_on_behalf(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_on_behalf", space)
    form = BehalfBookingForm(request.POST or None, initial=_slot_initial(request, space))
    resident = behalf_resident(actor=request.user, value=request.POST.get("resident"))
    if request.method == "POST" and form.is_valid() and resident is not None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "resident"}
        try:
            booking = bookings.booking_create(
                actor=request.user, space=space, booker=resident.user, **data
            )
        except SpaceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Booked for %(name)s.") % {"name": resident.name})
            return redirect(
                "spaces:day-sheet", uuid=space.uuid, day=timezone.localdate(booking.starts_at)
            )
    elif request.method == "POST" and resident is None:
        form.add_error("resident", _("Choose the resident from the search results."))
    context = {"space": space, "form": form, "resident": resident, "resident_list": [resident]}
    return render(
        request, "spaces/book_on_behalf.html", context, status=400 if form.is_bound else 200
    )


@login_required
def behalf_search(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_on_behalf", space)
    candidates = behalf_candidates(actor=request.user, name=request.GET.get("q", ""))
    return render(request, "spaces/_behalf_candidates.html", {"candidates": candidates})


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
