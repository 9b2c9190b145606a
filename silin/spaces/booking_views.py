"""Pages that make or decide bookings: book a slot, a repeating time, the waiting list,
booking on a resident's behalf, and the approval queue.

Each works opened from its own address, as a plain form that posts and redirects; from
the space page's calendar the same forms open in its slot panel and post through htmx
(`_in_panel`), which only the panel version of a form asks for.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from silin.core.access import require_perm
from silin.core.forms import add_service_errors
from silin.spaces import calendar, presenters
from silin.spaces.formatting import sentences
from silin.spaces.forms import BehalfBookingForm, BookingForm, ReasonForm, SeriesForm, WaitlistForm
from silin.spaces.models import Booking, Space
from silin.spaces.selectors.bookings import (
    behalf_candidates,
    behalf_resident,
    booking_approval_queue,
    booking_get,
    last_booking_defaults,
)
from silin.spaces.selectors.spaces import (
    may_approve_somewhere,
    space_get,
    space_has_other_approver,
)
from silin.spaces.services import bookings, series, waitlist
from silin.spaces.services.common import OwnOverlap, SlotTaken, SpaceError
from silin.spaces.services.policy import Problem, slot_refusal
from silin.spaces.views import calendar_context, done, failed

PANEL = "slot-panel"


def _in_panel(request) -> bool:
    """The form was opened in (or posted from) the space page's slot panel."""
    return bool(request.htmx) and request.htmx.target == PANEL


def _status(request, form, outcome: dict) -> int:
    """400 for a refused form, except to htmx: it swaps only 2xx answers into the page."""
    refused = form.is_bound and (form.errors or outcome)
    return 400 if refused and not request.htmx else 200


def _slot_initial(request, space: Space) -> dict:
    return {
        "starts_at": calendar.parse_local(request.GET.get("starts_at")),
        "ends_at": calendar.parse_local(request.GET.get("ends_at")),
        **last_booking_defaults(actor=request.user, space=space),
    }


def _refusal_up_front(request, space: Space, form) -> dict:
    """On opening the form for a slot: why it cannot be booked, if it cannot."""
    slot = presenters.form_slot(form)
    if form.is_bound or slot is None:
        return {}
    problem = slot_refusal(actor=request.user, space=space, starts_at=slot[0], ends_at=slot[1])
    return {"refusal": problem} if problem else {}


def _attempt(form, make) -> tuple[Booking | None, dict]:
    """Run `make()` (a booking service); what went wrong goes on the form or the outcome."""
    try:
        return make(), {}
    except OwnOverlap as exc:
        if exc.refused:
            return None, {"refusal": Problem("own_overlap", "starts_at", exc.messages[0])}
        return None, {"overlaps": exc.overlaps, "overlap_message": exc.messages[0]}
    except SlotTaken:
        message = _(
            "Someone else booked this time a moment ago, while you were filling in the form."
        )
        return None, {"refusal": Problem("taken", "starts_at", message), "just_taken": True}
    except SpaceError as exc:
        add_service_errors(form, exc)
        return None, {}


# -- booking one slot ------------------------------------------------------------------------


def _booked_response(request, space: Space, booking: Booking):
    if booking.status == booking.Status.REQUESTED:
        note = _("Your request has been sent; you will get a notice when it is decided.")
    else:
        note = _("Booked. It is in “My bookings”.")
    day = timezone.localdate(booking.starts_at)
    if not _in_panel(request):
        messages.success(request, note)
        url = reverse("spaces:space-detail", args=[space.uuid])
        return redirect(f"{url}?day={day.isoformat()}")
    context = {**calendar_context(request, space, day=day), "booking": booking, "note": note}
    return render(request, "spaces/_booking_done.html", context)


@login_required
def booking_create(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_space", space)
    form = BookingForm(request.POST or None, initial=_slot_initial(request, space))
    outcome = _refusal_up_front(request, space, form)
    if request.method == "POST" and form.is_valid():
        booking, outcome = _attempt(
            form,
            lambda: bookings.booking_create(actor=request.user, space=space, **form.cleaned_data),
        )
        if booking is not None:
            return _booked_response(request, space, booking)
    panel = _in_panel(request)
    template = "spaces/_booking_form.html" if panel else "spaces/booking_form.html"
    context = {
        "space": space,
        "form": form,
        "slot": presenters.form_slot(form),
        "panel": panel,
        **outcome,
    }
    return render(request, template, context, status=_status(request, form, outcome))


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
    panel = _in_panel(request)
    if request.method == "POST" and form.is_valid():
        try:
            waitlist.waitlist_join(actor=request.user, space=space, **form.cleaned_data)
        except SpaceError as exc:
            add_service_errors(form, exc)
        else:
            note = _("You are on the waiting list; we will tell you if it frees up.")
            if panel:
                return render(request, "spaces/_waitlist_done.html", {"note": note})
            messages.success(request, note)
            return redirect("spaces:booking-mine")
    template = "spaces/_waitlist_form.html" if panel else "spaces/waitlist_form.html"
    context = {"space": space, "form": form, "slot": presenters.form_slot(form), "panel": panel}
    return render(request, template, context, status=_status(request, form, {}))


# -- on a resident's behalf ------------------------------------------------------------------


def _chosen_resident(request):
    """The resident booked for: posted, or named by `?resident=` (404 outside one's area)."""
    if request.method == "POST":
        return behalf_resident(actor=request.user, value=request.POST.get("resident"))
    value = request.GET.get("resident")
    if value is None:
        return None
    resident = behalf_resident(actor=request.user, value=value)
    if resident is None:
        raise Http404
    return resident


def _booked_for(request, space: Space, booking: Booking, resident):
    messages.success(request, _("Booked for %(name)s.") % {"name": resident.name})
    return redirect("spaces:day-sheet", uuid=space.uuid, day=timezone.localdate(booking.starts_at))


@login_required
def book_on_behalf(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_on_behalf", space)
    form = BehalfBookingForm(request.POST or None, initial=_slot_initial(request, space))
    resident = _chosen_resident(request)
    outcome: dict = {}
    if request.method == "POST" and form.is_valid() and resident is not None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "resident"}
        booking, outcome = _attempt(
            form,
            lambda: bookings.booking_create(
                actor=request.user, space=space, booker=resident.user, **data
            ),
        )
        if booking is not None:
            return _booked_for(request, space, booking, resident)
    elif request.method == "POST" and resident is None:
        form.add_error("resident", _("Choose the resident from the search results."))
    context = {"space": space, "form": form, "resident": resident, **outcome}
    status = 400 if form.is_bound else 200
    return render(request, "spaces/book_on_behalf.html", context, status=status)


@login_required
def behalf_search(request, uuid):
    space = space_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.book_on_behalf", space)
    candidates = behalf_candidates(actor=request.user, name=request.GET.get("q", ""))
    return render(request, "spaces/_behalf_candidates.html", {"candidates": candidates})


# -- approvals -------------------------------------------------------------------------------


def _own_requests(user, queue: list[Booking]) -> dict[int, bool]:
    """For the actor's own requests in the queue: whether someone else may decide them
    (True: approving waits for them) or the actor is the only approver (False)."""
    own = [b for b in queue if user.pk in (b.booker_id, b.booked_by_id)]
    others: dict[int, bool] = {}
    for b in own:
        if b.space_id not in others:
            others[b.space_id] = space_has_other_approver(space=b.space, actor=user)
    return {b.pk: others[b.space_id] for b in own}


def _queue_page(request, *, reject_form=None, rejecting=None, status=200):
    queue = list(booking_approval_queue(actor=request.user))
    context = {
        "bookings": queue,
        "overlaps": presenters.overlapping_requests(queue),
        "own": _own_requests(request.user, queue),
        "reject_form": reject_form,
        "rejecting": rejecting,
    }
    return render(request, "spaces/approval_queue.html", context, status=status)


@login_required
def approval_queue(request):
    if not may_approve_somewhere(request.user):
        raise Http404
    return _queue_page(request)


def _approved_message(approval: bookings.Approval) -> str:
    text = _("Approved. %(name)s gets a notice.") % {"name": approval.booking.booker.name}
    if approval.declined:
        text = sentences(
            text,
            ngettext(
                "%(n)d request for an overlapping time was declined; its asker is told why.",
                "%(n)d requests for overlapping times were declined; their askers are told why.",
                approval.declined,
            )
            % {"n": approval.declined},
        )
    return text


@login_required
@require_POST
def booking_approve(request, uuid):
    booking = booking_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.approve_booking", booking)
    try:
        approval = bookings.booking_approve(actor=request.user, booking=booking)
    except SpaceError as exc:
        return failed(request, exc, "spaces:approval-queue")
    if approval.self_approved:
        messages.warning(
            request,
            _(
                "You approved your own request because nobody else approves bookings of this "
                "space. This is marked in the audit log."
            ),
        )
    return done(request, _approved_message(approval), "spaces:approval-queue")


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
            return done(request, _("The request was declined."), "spaces:approval-queue")
    return _queue_page(request, reject_form=form, rejecting=booking.pk, status=400)
