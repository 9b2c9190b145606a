"""The organiser's pages: an event's console (sign-ups, waiting list, attendance, publish,
places, cancel), creating an event from a catalogue item, adopting an item."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.activities import permissions as perms
from silin.activities import selectors
from silin.activities.forms import CancelEventForm, CapacityForm, EventForm, MessageForm
from silin.activities.models import Event, EventMessage, Feedback, SignUp
from silin.activities.services import catalogue, checkin, events, feeds, signups
from silin.activities.services import messages as outbox
from silin.core.access import get_object_for_actor
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


def _refused(request, exc: ValidationError):
    for text in exc.messages:
        messages.error(request, text)


@login_required
def console(request, uuid):
    return _console_page(request, _run_or_404(request, uuid))


def _console_page(request, event: Event, message_form: MessageForm | None = None):
    rows = list(
        SignUp.objects.filter(event=event)
        .exclude(state=SignUp.State.CANCELLED)
        .select_related("person", "signed_up_by")
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
        "figures": Feedback.objects.filter(signup__event=event).aggregate(
            rating=Avg("rating"), ratings=Count("id")
        ),
        "attended": sum(1 for s in rows if s.state == SignUp.State.ATTENDED),
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


@login_required
@require_POST
def check_in(request, uuid):
    """The organiser enters (or a scanner posts) a sign-up's signed code."""
    event = _run_or_404(request, uuid)
    code = (request.POST.get("code") or "").strip()
    try:
        signup, first = checkin.signup_check_in(actor=request.user, event=event, code=code)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        name = signup.person.name
        if first:
            messages.success(request, _("%(name)s is checked in.") % {"name": name})
        else:
            messages.info(request, _("%(name)s was checked in already.") % {"name": name})
    return redirect("activities:console", uuid=event.uuid)


@login_required
@require_POST
def publish(request, uuid):
    event = _run_or_404(request, uuid)
    try:
        events.event_publish(actor=request.user, event=event)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Published: residents can now sign up."))
    return redirect("activities:console", uuid=event.uuid)


@login_required
@require_POST
def cancel(request, uuid):
    event = _run_or_404(request, uuid)
    form = CancelEventForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the activity is cancelled."))
        return redirect("activities:console", uuid=event.uuid)
    try:
        events.event_cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Cancelled: everyone signed up or waiting has been told."))
    return redirect("activities:console", uuid=event.uuid)


@login_required
@require_POST
def capacity(request, uuid):
    event = _run_or_404(request, uuid)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("activities:console", uuid=event.uuid)
    try:
        events.event_set_capacity(
            actor=request.user, event=event, capacity=form.cleaned_data["capacity"]
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The number of places is changed."))
    return redirect("activities:console", uuid=event.uuid)


@login_required
@require_POST
def mark(request, uuid):
    signup = get_object_for_actor(selectors.signups_visible_to(request.user), uuid=uuid)
    if not perms.organises(request.user, signup.event):
        raise Http404
    try:
        signups.signup_mark(
            actor=request.user, signup=signup, attended=request.POST.get("attended") == "1"
        )
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("activities:console", uuid=signup.event.uuid)


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
        _refused(request, exc)
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


@login_required
def event_create(request, uuid):
    item = get_object_for_actor(selectors.catalogue_visible_to(request.user), uuid=uuid)
    if not perms.runs_any(request.user):
        raise Http404
    choices = _choices(request)
    initial = {
        "title": item.title,
        "capacity": item.group_size,
        "duration_minutes": item.duration_minutes,
        "starts_at": EventForm.default_start(),
        "waiting_list": True,
    }
    form = EventForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = events.EventData(
            community=d["community"],
            compound=d["compound"],
            organiser_kind=d["organiser_kind"],
            space=d["space"],
            place_text=d["place_text"],
            starts_at=d["starts_at"],
            ends_at=form.ends_at(),
            capacity=d["capacity"],
            max_companions=d["max_companions"],
            signup_closes_at=d["signup_closes_at"],
            waiting_list=d["waiting_list"],
            title=d["title"],
            description=d["description"],
        )
        try:
            with transaction.atomic():  # created and published, or nothing saved
                event = events.event_create(actor=request.user, item=item, data=data)
                if request.POST.get("publish"):
                    events.event_publish(actor=request.user, event=event)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The activity is created."))
            return redirect("activities:console", uuid=event.uuid)
    return render(request, "activities/event_form.html", {"form": form, "item": item})
