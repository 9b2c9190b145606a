"""Residents' pages: what's on near me, an event (sign up, cancel), my activities, the
catalogue. Plain form POST + redirect; outsiders 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silin.activities import figures, selectors
from silin.activities import permissions as perms
from silin.activities.actions import action_view, form_refused, refused
from silin.activities.forms import FeedbackForm, FilterForm, SignUpForm
from silin.activities.models import Event, SignUp
from silin.activities.services import feedback, signups
from silin.activities.services.checkin import checkin_code
from silin.activities.services.signups import eligibility_problem, window_problem
from silin.core.access import get_object_for_actor
from silin.lib.qr import qr_svg


def _visible_or_404(request, uuid):
    return get_object_for_actor(selectors.events_visible_to(request.user), uuid=uuid)


@login_required
def event_list(request):
    form = FilterForm(request.GET or None)
    filters = selectors.EventFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.EventFilters(
            stage=d["stage"], category=d["category"], day=d["day"], free_only=d["free_only"]
        )
    events = selectors.events_near(actor=request.user, filters=filters)
    if not perms.street_ids(request.user) and not perms.runs_any(request.user):
        events = []
    return render(
        request,
        "activities/event_list.html",
        {"form": form, "events": events, "runs": perms.runs_any(request.user)},
    )


@login_required
def event_detail(request, uuid):
    event = _visible_or_404(request, uuid)
    now = timezone.now()
    mine = selectors.signup_of(actor=request.user, event=event)
    problem = ""
    if mine is None:
        problem = window_problem(event, now) or eligibility_problem(
            event, request.user, timezone.localdate()
        )
    context = {
        "event": event,
        "mine": mine,
        "position": selectors.waiting_position(mine)
        if mine and mine.state == SignUp.State.WAITING
        else None,
        "places_left": selectors.places_left(event),
        "problem": problem,
        "form": SignUpForm(),
        "organises": perms.organises(request.user, event),
        "cancellable": mine is not None
        and mine.state in (SignUp.State.CONFIRMED, SignUp.State.WAITING)
        and now < (event.signup_closes_at or event.starts_at),
        "now": now,
        "qr": _qr(mine),
        "who_may": selectors.who_may_sign_up(event),
        "may_rate": mine is not None
        and mine.state == SignUp.State.ATTENDED
        and not hasattr(mine, "feedback"),
    }
    return render(request, "activities/event_detail.html", context)


def _event_uuid(signup: SignUp):
    return signup.event.uuid


def _rated_or_404(request, uuid) -> SignUp:
    return get_object_for_actor(
        selectors.signups_visible_to(request.user).filter(person=request.user), uuid=uuid
    )


feedback_give = action_view(
    _rated_or_404,
    lambda r, s, d: feedback.feedback_give(
        actor=r.user, signup=s, rating=d["rating"], comment=d["comment"]
    ),
    "activities:event-detail",
    gettext_lazy("Thank you for your feedback!"),
    form=FeedbackForm,
    back_uuid=_event_uuid,
)


def _qr(signup: SignUp | None) -> str:
    """The inline SVG of a confirmed sign-up's signed check-in code ("" if none)."""
    code = checkin_code(signup) if signup is not None else ""
    return qr_svg(code, title=_("My check-in code")) if code else ""


@login_required
@require_POST
def signup_create(request, uuid):
    event = _visible_or_404(request, uuid)
    form = SignUpForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("activities:event-detail", uuid=event.uuid)
    try:
        signup = signups.signup_create(
            actor=request.user, event=event, companions=form.cleaned_data["companions"]
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        if signup.state == SignUp.State.CONFIRMED:
            messages.success(request, _("You are signed up. See you there!"))
        else:
            messages.success(
                request,
                _("The activity is full: you are number %(n)d on the waiting list.")
                % {"n": selectors.waiting_position(signup)},
            )
    return redirect("activities:event-detail", uuid=event.uuid)


def _own_signup_or_404(request, uuid) -> SignUp:
    return get_object_for_actor(selectors.signups_visible_to(request.user), uuid=uuid)


signup_cancel, offer_accept = (
    action_view(_own_signup_or_404, write, "activities:event-detail", said, back_uuid=_event_uuid)
    for write, said in (
        (
            lambda r, s, _d: signups.signup_cancel(actor=r.user, signup=s),
            gettext_lazy("Your sign-up is cancelled."),
        ),
        (
            lambda r, s, _d: signups.signup_accept_offer(actor=r.user, signup=s),
            gettext_lazy("The place is yours. See you there!"),
        ),
    )
)


@login_required
def mine(request):
    now = timezone.now()
    rows = selectors.my_signups(actor=request.user)
    upcoming = [s for s in rows if s.state == SignUp.State.CONFIRMED and s.event.ends_at >= now]
    waiting = [s for s in rows if s.state == SignUp.State.WAITING and s.event.ends_at >= now]
    for s in waiting:
        s.position = selectors.waiting_position(s)  # type: ignore[attr-defined]
    past = [
        s for s in reversed(rows) if s.event.ends_at < now and s.state != SignUp.State.CANCELLED
    ][:20]
    return render(
        request,
        "activities/mine.html",
        {"upcoming": upcoming, "waiting": waiting, "past": past, "now": now},
    )


@login_required
def catalogue_list(request):
    items = selectors.catalogue_visible_to(request.user)
    if not perms.street_ids(request.user):
        items = items.none()
    return render(
        request,
        "activities/catalogue.html",
        {"items": items, "runs": perms.runs_any(request.user)},
    )


@login_required
def catalogue_item(request, uuid):
    item = get_object_for_actor(selectors.catalogue_visible_to(request.user), uuid=uuid)
    coming = (
        selectors.events_visible_to(request.user)
        .filter(item=item, state=Event.State.PUBLISHED)
        .order_by("starts_at")[:10]
    )
    runs = perms.runs_any(request.user)
    return render(
        request,
        "activities/catalogue_item.html",
        {
            "item": item,
            "coming": coming,
            "runs": runs,
            "figures": figures.item_figures(item) if runs else None,
        },
    )
