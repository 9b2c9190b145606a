"""Residents' pages: what's on near me, an event (sign up, cancel), my activities, the
catalogue. Plain form POST + redirect; outsiders 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from silin.activities import figures, selectors
from silin.activities import permissions as perms
from silin.activities.forms import FeedbackForm, FilterForm, SignUpForm
from silin.activities.models import Event, SignUp
from silin.activities.poster import PosterText, poster_key, render_poster
from silin.activities.services import checkin, feedback, signups
from silin.activities.services.checkin import checkin_code
from silin.activities.services.signups import eligibility_problem, window_problem
from silin.core.access import get_object_for_actor
from silin.core.actions import action_view, form_refused, refused
from silin.lib.qr import qr_svg
from silin.spaces.services.feeds import personal_feed_token

POSTER_CACHE_SECONDS = 24 * 3600

# What's on near me, a page at a time (of the next 200 coming events, nearest first).
PAGE_SIZE = 20


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
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/event_list.html",
        {
            "form": form,
            "events": selectors.events_filled(list(page.object_list)),
            "page": page,
            "query": query.urlencode(),
            "runs": perms.runs_any(request.user),
        },
    )


@login_required
def event_detail(request, uuid):
    event = selectors.event_for(request.user, uuid, "compound", "item", "space")
    now = timezone.now()
    mine = selectors.signup_of(actor=request.user, event=event)
    problem = ""
    if mine is None:
        problem = window_problem(event, now) or eligibility_problem(
            event, request.user, timezone.localdate()
        )
    places_left, position = selectors.standing(event, mine)
    context = {
        "event": event,
        "mine": mine,
        "position": position,
        "places_left": places_left,
        "problem": problem,
        "form": SignUpForm(),
        "organises": perms.organises(request.user, event),
        "cancellable": mine is not None
        and mine.state in (SignUp.State.CONFIRMED, SignUp.State.WAITING)
        and now < (event.signup_closes_at or event.starts_at),
        "now": now,
        "qr": _qr(mine),
        "short_code": checkin.short_code(checkin_code(mine)) if mine is not None else "",
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


# How many coming activities "My activities" lists before "Show all".
SHOWN = 20


@login_required
def mine(request):
    now = timezone.now()
    # The next few (a very active resident's whole year would make a long page on a phone);
    # "Show all" lists every one. One row more tells whether there are more.
    show_all = request.GET.get("all") == "1"
    coming = selectors.my_coming(actor=request.user, now=now, limit=None if show_all else SHOWN + 1)
    more = not show_all and len(coming) > SHOWN
    coming = coming[:SHOWN] if more else coming
    upcoming = [s for s in coming if s.state == SignUp.State.CONFIRMED]
    waiting = [s for s in coming if s.state == SignUp.State.WAITING]
    for s in waiting:
        s.position = selectors.waiting_position(s)  # type: ignore[attr-defined]
    past = selectors.my_past(actor=request.user, now=now)
    return render(
        request,
        "activities/mine.html",
        {
            "upcoming": upcoming,
            "waiting": waiting,
            "past": past,
            "now": now,
            "more": more,
            "feed_url": request.build_absolute_uri(
                reverse("spaces:my-feed", args=[personal_feed_token(user=request.user)])
            ),
        },
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


def _poster_places(event: Event, left: int) -> str:
    if event.state == Event.State.PUBLISHED:
        if left:
            return ngettext(
                "%(left)d of %(cap)d place left", "%(left)d of %(cap)d places left", left
            ) % {"left": left, "cap": event.capacity}
        if event.waiting_list:
            return _("Full: sign up for the waiting list")
        return _("Full")
    return event.get_state_display()


def _poster_text(request, event: Event) -> PosterText:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    when = "{} {} {}–{}".format(
        formats.date_format(start, "DATE_FORMAT"),
        formats.date_format(start, "l"),
        start.strftime("%H:%M"),
        end.strftime("%H:%M"),
    )
    return PosterText(
        heading=_("Neighbour Activities · %(community)s") % {"community": event.community.name},
        title=event.title,
        when=when,
        where=event.where,
        places=_poster_places(event, selectors.places_left(event)),
        organiser=selectors.organiser_label(event),
        url=request.build_absolute_uri(reverse("activities:event-detail", args=[event.uuid])),
        scan=_("Scan the code to see the activity and sign up"),
    )


@login_required
def poster(request, uuid):
    """The activity's poster (PNG), drawn once per state of what it shows."""
    event = _visible_or_404(request, uuid)
    text = _poster_text(request, event)
    key = f"activities:poster:{poster_key(text)}"
    body = cache.get(key)
    if body is None:
        body = render_poster(text)
        cache.set(key, body, POSTER_CACHE_SECONDS)
    response = HttpResponse(body, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="activity-{event.uuid}.png"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def self_check_in(request, uuid):
    """The event's own QR code opens this page: the resident taps once to check in."""
    event = _visible_or_404(request, uuid)
    token = request.GET.get("t") or request.POST.get("t") or ""
    if request.method == "POST":
        try:
            _signup, first = checkin.checkin_self(actor=request.user, event=event, token=token)
        except ValidationError as exc:
            refused(request, exc)
            url = reverse("activities:self-check-in", args=[event.uuid])
            return redirect(f"{url}?{urlencode({'t': token})}")
        messages.success(
            request,
            _("You are checked in. Welcome!") if first else _("You were checked in already."),
        )
        return redirect("activities:event-detail", uuid=event.uuid)
    context = {
        "event": event,
        "token": token,
        "problem": checkin.self_window_problem(event, timezone.now()),
    }
    return render(request, "activities/self_check_in.html", context)
