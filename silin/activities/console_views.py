"""The organiser's pages: an event's console (sign-ups, waiting list, attendance, publish,
places, cancel), creating an event from a catalogue item, adopting an item."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silin.activities import figures, selectors
from silin.activities import permissions as perms
from silin.activities.forms import CancelEventForm, CapacityForm, EventForm, MessageForm
from silin.activities.models import Event, EventMessage, SignUp
from silin.activities.services import catalogue, checkin, events, feeds, series, signups
from silin.activities.services import messages as outbox
from silin.core.access import get_object_for_actor
from silin.core.actions import action_view, refused
from silin.core.forms import add_service_errors
from silin.lib.qr import qr_svg
from silin.places.models import Community, Compound
from silin.spaces.models import Space


def _run_or_404(request, uuid):
    return get_object_for_actor(
        selectors.events_visible_to(request.user),
        uuid=uuid,
        perm="activities.run_event",
        actor=request.user,
    )


@login_required
def console(request, uuid):
    return _console_page(request, _run_or_404(request, uuid))


def _console_page(request, event: Event, message_form: MessageForm | None = None):
    rows = list(
        SignUp.objects.filter(event=event)
        .exclude(state=SignUp.State.CANCELLED)
        .select_related("person", "resident", "signed_up_by")
        .order_by("created_at", "pk")
    )
    context = {
        "event": event,
        "places": [s for s in rows if s.state != SignUp.State.WAITING],
        "waiting": [s for s in rows if s.state == SignUp.State.WAITING],
        "places_left": selectors.places_left(event),
        # Attendance is recorded from two hours before the start (signups.signup_mark).
        "may_mark": event.state != Event.State.CANCELLED
        and event.starts_at <= timezone.now() + dt.timedelta(hours=2),
        "event_qr": _event_qr(request, event),
        "may_close": event.state != Event.State.CANCELLED and event.starts_at <= timezone.now(),
        "figures": figures.event_figures(event),
        "cancel_form": CancelEventForm(),
        "capacity_form": CapacityForm(initial={"capacity": event.capacity}),
        **_share_context(request, event, message_form),
    }
    return render(request, "activities/console.html", context)


def _share_context(request, event: Event, message_form: MessageForm | None = None):
    token = feeds.organiser_feed_token(actor=request.user, event=event)
    return {
        "message_form": message_form or MessageForm(),
        "sent_messages": EventMessage.objects.filter(event=event).select_related("sender")[:20],
        "organiser": selectors.organiser_label(event),
        "organiser_feed_url": request.build_absolute_uri(
            reverse("activities:organiser-feed", args=[token])
        ),
    }


@login_required
@require_POST
def message_send(request, uuid):
    """The organiser's message to everyone signed up; a bad form shows again on the console."""
    event = _run_or_404(request, uuid)
    form = MessageForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            sent = outbox.event_message_send(
                actor=request.user,
                event=event,
                text=d["text"],
                include_waiting=d["include_waiting"],
                sms=d["sms"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The message is sent to %(n)d people.") % {"n": sent.recipients}
            )
            return redirect("activities:console", uuid=event.uuid)
    return _console_page(request, event, message_form=form)


@login_required
@require_POST
def organiser_feed_rotate(request, uuid):
    event = _run_or_404(request, uuid)
    feeds.organiser_feed_rotate(actor=request.user, event=event)
    messages.success(request, _("The calendar link is renewed: the old one no longer works."))
    return redirect("activities:console", uuid=event.uuid)


def _event_qr(request, event: Event) -> str:
    """The event's own code: a resident scans it with their phone to check themself in."""
    token = checkin.event_token(event)
    if not token or event.state == Event.State.CANCELLED:
        return ""
    path = reverse("activities:self-check-in", args=[event.uuid])
    url = request.build_absolute_uri(f"{path}?{urlencode({'t': token})}")
    return qr_svg(url, title=_("The activity's check-in code"), scale=4)


def _checked_in(result) -> str:
    signup, first = result
    if first:
        return _("%(name)s is checked in.") % {"name": signup.name}
    return _("%(name)s was checked in already.") % {"name": signup.name}


def _marked_or_404(request, uuid):
    signup = get_object_for_actor(selectors.signups_visible_to(request.user), uuid=uuid)
    if not perms.organises(request.user, signup.event):
        raise Http404
    return signup


CONSOLE = "activities:console"

# The organiser enters (or a scanner posts) a sign-up's signed code.
check_in = action_view(
    _run_or_404,
    lambda r, e, _d: checkin.signup_check_in(
        actor=r.user, event=e, code=(r.POST.get("code") or "").strip()
    ),
    CONSOLE,
    _checked_in,
)
publish, cancel, capacity = (
    action_view(_run_or_404, write, CONSOLE, said, form=form)
    for write, said, form in (
        (
            lambda r, e, _d: events.event_publish(actor=r.user, event=e),
            gettext_lazy("Published: residents can now sign up."),
            None,
        ),
        (
            lambda r, e, d: events.event_cancel(actor=r.user, event=e, reason=d["reason"]),
            gettext_lazy("Cancelled: everyone signed up or waiting has been told."),
            CancelEventForm,
        ),
        (
            lambda r, e, d: events.event_set_capacity(
                actor=r.user, event=e, capacity=d["capacity"]
            ),
            gettext_lazy("The number of places is changed."),
            CapacityForm,
        ),
    )
)
mark = action_view(
    _marked_or_404,
    lambda r, s, _d: signups.signup_mark(
        actor=r.user, signup=s, attended=r.POST.get("attended") == "1"
    ),
    CONSOLE,
    back_uuid=lambda s: s.event.uuid,
)


@login_required
@require_POST
def item_adopt(request, uuid):
    item = get_object_for_actor(selectors.catalogue_visible_to(request.user), uuid=uuid)
    community = Community.objects.filter(pk=request.POST.get("community") or 0).first()
    if community is None or not perms.may_adopt_for(request.user, community):
        raise Http404
    try:
        copy = catalogue.item_adopt(actor=request.user, item=item, community=community)
    except ValidationError as exc:
        refused(request, exc)
        return redirect("activities:catalogue-item", uuid=item.uuid)
    messages.success(request, _("Adopted: the item is now on the community's own list."))
    return redirect("activities:catalogue-item", uuid=copy.uuid)


def _choices(request):
    scope = perms.organiser_scope(request.user)
    communities = Community.objects.filter(
        scope.q(street="street_id", community="id") | Q(compounds__pk__in=scope.compound_ids)
    ).distinct()
    compounds = Compound.objects.filter(community__in=communities)
    spaces = Space.objects.filter(community__in=communities, active=True).select_related(
        "community"
    )
    return {"communities": communities, "compounds": compounds, "spaces": spaces}


# The form's fields that go to EventData as they are.
_EVENT_FIELDS = [
    "community",
    "compound",
    "organiser_kind",
    "space",
    "place_text",
    "starts_at",
    "capacity",
    "max_companions",
    "signup_closes_at",
    "waiting_list",
    "title",
    "description",
]


def _event_data(form: EventForm) -> events.EventData:
    d = form.cleaned_data
    return events.EventData(
        **{name: d[name] for name in _EVENT_FIELDS},
        ends_at=form.ends_at(),
        required_tags=list(d["required_tags"]),
    )


def _create(request, item, form: EventForm) -> Event:
    """One event, or every date of the repeat rule; published too if asked; all or nothing."""
    data, rule = _event_data(form), form.rule_text()
    publish = bool(request.POST.get("publish"))
    with transaction.atomic():
        if rule:
            made = series.series_create(
                actor=request.user, item=item, data=data, rrule=rule, publish=publish
            )
            return made[0]
        event = events.event_create(actor=request.user, item=item, data=data)
        if publish:
            event = events.event_publish(actor=request.user, event=event)
        return event


@login_required
def event_create(request, uuid):
    item = get_object_for_actor(selectors.catalogue_visible_to(request.user), uuid=uuid)
    if not perms.runs_any(request.user):
        raise Http404
    initial = {
        "title": item.title,
        "capacity": item.group_size,
        "duration_minutes": item.duration_minutes,
        "starts_at": EventForm.default_start(),
        "waiting_list": True,
    }
    form = EventForm(request.POST or None, initial=initial, **_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = _create(request, item, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The activity is created."))
            return redirect("activities:console", uuid=event.uuid)
    return render(request, "activities/event_form.html", {"form": form, "item": item})


@login_required
def organiser_figures(request):
    """Per organiser of the events the actor runs: attendance, reach, repeat, ratings."""
    if not perms.runs_any(request.user):
        raise Http404
    rows = figures.organiser_figures(selectors.events_run_by(request.user))
    return render(request, "activities/organiser_figures.html", {"rows": rows})
