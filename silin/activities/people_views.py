"""The organiser adds people to an event: signs up a resident of the register who has no
phone (before the start, while sign-up is open), or records a walk-in at the door (a
resident of the register or a guest named there) once attendance is recorded. A plain page
of its own URL: a GET search of the register, a POST per person, redirected back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from silin.activities import selectors
from silin.activities.console_views import _run_or_404
from silin.activities.forms import AddPersonForm
from silin.activities.models import Event, SignUp
from silin.activities.services import signups, walk_ins
from silin.core.actions import form_refused, refused


@login_required
def people_add(request, uuid):
    event = _run_or_404(request, uuid)
    if request.method == "POST":
        return _add(request, event)
    now = timezone.now()
    door = not walk_ins.door_problem(event, now)
    signing_up = not door and not signups.window_problem(event, now)
    q = (request.GET.get("q") or "").strip()[:50]
    searchable = selectors.may_search_register(request.user, event)
    matches = (
        list(selectors.register_matches(actor=request.user, event=event, name=q))
        if searchable and (door or signing_up)
        else []
    )
    today = timezone.localdate()
    already = _signed_up(event, matches)
    context = {
        "event": event,
        "door": door,
        "signing_up": signing_up,
        "closed_reason": ""
        if door or signing_up
        else walk_ins.door_problem(event, now) or signups.window_problem(event, now),
        "searchable": searchable,
        "q": q,
        "matches": [(r, r.age_on(today), already.get(r.pk)) for r in matches],
        "places_left": selectors.places_left(event),
        "max_companions": event.max_companions,
        "guest_form": AddPersonForm(initial={"mode": AddPersonForm.DOOR}),
        "walk_ins": SignUp.objects.filter(event=event, walk_in=True)
        .exclude(state=SignUp.State.CANCELLED)
        .select_related("person", "resident")
        .order_by("-created_at", "-pk")[:50],
    }
    return render(request, "activities/people_add.html", context)


def _signed_up(event: Event, residents) -> dict[int, SignUp]:
    """The live sign-ups of these residents for the event (theirs or their account's)."""
    ids = [r.pk for r in residents]
    if not ids:
        return {}
    rows = SignUp.objects.filter(event=event, state__in=SignUp.LIVE_STATES).filter(
        Q(resident_id__in=ids) | Q(person__resident_id__in=ids)
    )
    found: dict[int, SignUp] = {}
    for s in rows.select_related("person"):
        key = s.resident_id or (s.person.resident_id if s.person is not None else None)
        if key is not None:
            found[key] = s
    return found


def _add(request, event: Event):
    form = AddPersonForm(request.POST)
    back = reverse("activities:people-add", args=[event.uuid])
    if q := (request.POST.get("q") or "").strip()[:50]:
        back += "?" + urlencode({"q": q})
    if not form.is_valid():
        form_refused(request, form)
        return redirect(back)
    d = form.cleaned_data
    resident = None
    if d["resident"]:
        resident = selectors.register_resident(actor=request.user, event=event, value=d["resident"])
        if resident is None:
            messages.error(request, _("This resident is not in the register you may see."))
            return redirect(back)
    try:
        if d["mode"] == AddPersonForm.DOOR:
            signup, added = walk_ins.walk_in_add(
                actor=request.user,
                event=event,
                resident=resident,
                guest_name=d["guest_name"] if resident is None else "",
                companions=d["companions"],
            )
            text = (
                _("%(name)s came: added at the door.")
                if added
                else _("%(name)s was signed up already: now checked in.")
            )
        else:
            if resident is None:
                messages.error(request, _("Choose a resident from the register."))
                return redirect(back)
            signup = signups.signup_for_resident(
                actor=request.user, event=event, resident=resident, companions=d["companions"]
            )
            text = (
                _("%(name)s is on the waiting list.")
                if signup.state == SignUp.State.WAITING
                else _("%(name)s is signed up.")
            )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, text % {"name": signup.name})
    return redirect(back)
