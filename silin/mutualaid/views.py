"""Residents' and helpers' pages: "I need help" in three taps, a request's page (accept,
decline, check in and out, confirm), "I can help". Plain form POST + redirect; a record
out of reach is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.core import audit
from silin.core.access import get_object_for_actor
from silin.core.actions import act, refused
from silin.core.forms import add_service_errors
from silin.mutualaid import permissions as perms
from silin.mutualaid import presenters, selectors
from silin.mutualaid.forms import (
    AskForm,
    CheckOutForm,
    HelperForm,
    RejectForm,
    availability_from,
    when_window,
)
from silin.mutualaid.models import HelpRequest, Proposal, ServiceRecord, Skill
from silin.mutualaid.services import helpers as helper_services
from silin.mutualaid.services import ledger, matching, records, requests
from silin.people.models import Resident


def _requester_for(request) -> Resident:
    """Whom the request is for: ?for=<uuid> (a worker or grid member raising it for a
    resident they may edit), else the signed-in resident (or the one a proxy acts for)."""
    target = request.GET.get("for") or request.POST.get("for")
    if target:
        resident = get_object_for_actor(
            Resident.objects.select_related("household__compound", "community__street"), uuid=target
        )
        if not perms.acts_for_resident(request.user, resident):
            raise Http404
        return resident
    if not request.user.resident_id:
        raise Http404
    return Resident.objects.select_related("household__compound", "community__street").get(
        pk=request.user.resident_id
    )


@login_required
def need_home(request):
    """Tap one: the kinds of help as large buttons; below, my requests."""
    mine: list[HelpRequest] = []
    resident = None
    if request.user.resident_id:
        resident = Resident.objects.select_related("community__street", "household").get(
            pk=request.user.resident_id
        )
        mine = selectors.requests_of_resident(actor=request.user, resident=resident)
    kinds = [(value, label, presenters.KIND_ICONS[value]) for value, label in Skill.choices]
    return render(
        request,
        "mutualaid/need_home.html",
        {
            "kinds": kinds,
            "mine": mine,
            "resident": resident,
            "helper": perms.helper_of(request.user),
            "coordinates": selectors.coordinated_communities(actor=request.user).exists(),
        },
    )


@login_required
def ask(request, kind: str):
    """Taps two and three: when, then "Ask for help"."""
    if kind not in Skill.values:
        raise Http404
    requester = _requester_for(request)
    now = timezone.now()
    form = AskForm(request.POST or None, now=now)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start, end = when_window(data["when"], now)
        try:
            created = requests.request_raise(
                actor=request.user,
                requester=requester,
                kind=kind,
                window_start=start,
                window_end=end,
                urgency=data["urgency"],
                agreed_minutes=data["agreed_minutes"],
                repeats_weekly=data["repeats_weekly"],
                notes=data["notes"],
                now=now,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request is in. We will tell you who is coming."))
            return redirect("mutualaid:request-detail", uuid=created.uuid)
    return render(
        request,
        "mutualaid/ask.html",
        {
            "form": form,
            "kind": Skill(kind),
            "icon": presenters.KIND_ICONS[kind],
            "requester": requester,
            "for_someone": requester.pk != request.user.resident_id,
        },
    )


@login_required
def request_detail(request, uuid):
    help_request = selectors.request_get(actor=request.user, uuid=uuid)
    private = perms.sees_private(request.user, help_request)
    if private:
        # The door, the phone and the notes: the coordinators, and the helper only once they
        # accepted. Every page showing them is a reveal, and logged.
        audit.record(
            actor=request.user, action="reveal", detail="mutualaid.contact_reveal", obj=help_request
        )
    proposal = selectors.request_live_proposal(help_request)
    helper = perms.helper_of(request.user)
    record = selectors.request_record(help_request)
    mobile = ""
    if private:
        mobile = help_request.requester.mobile
    return render(
        request,
        "mutualaid/request_detail.html",
        {
            "r": help_request,
            "private": private,
            "mobile": mobile,
            "proposal": proposal,
            "reasons": presenters.reason_words(proposal.reasons) if proposal else "",
            "asked_me": bool(
                proposal
                and helper
                and proposal.helper_id == helper.pk
                and proposal.state == Proposal.State.CONFIRMED
            ),
            "is_helper": perms.is_matched_helper(request.user, help_request),
            "is_requester": perms.acts_for_resident(request.user, help_request.requester)
            and request.user.resident_id == help_request.requester_id,
            "coordinates": perms.coordinates_request(request.user, help_request),
            "record": record,
            "minutes": presenters.minutes_words(record.claimed_minutes)
            if record and record.claimed_minutes
            else "",
            "may_redeem": bool(
                record
                and record.state == ServiceRecord.State.COMMITTED
                and request.user.resident_id == help_request.requester_id
                and not record.transfers.filter(
                    kind="redemption", reversed_by__isnull=True
                ).exists()
            ),
            "checkout_form": CheckOutForm(),
            "reject_form": RejectForm(),
        },
    )


def _back(help_request: HelpRequest):
    return redirect("mutualaid:request-detail", uuid=help_request.uuid)


def _request_or_404(request, uuid) -> HelpRequest:
    return selectors.request_get(actor=request.user, uuid=uuid)


@login_required
@require_POST
def request_cancel(request, uuid):
    help_request = _request_or_404(request, uuid)
    return act(
        request,
        lambda _d: requests.request_cancel(actor=request.user, request=help_request),
        back="mutualaid:request-detail",
        success=_("The request is cancelled."),
        uuid=help_request.uuid,
    )


def _proposal_or_404(request, uuid) -> Proposal:
    proposal = get_object_for_actor(
        Proposal.objects.select_related("request__community", "request__household", "helper"),
        uuid=uuid,
    )
    helper = perms.helper_of(request.user)
    if not (helper and helper.pk == proposal.helper_id) and not perms.coordinates_request(
        request.user, proposal.request
    ):
        raise Http404
    return proposal


@login_required
@require_POST
def proposal_accept(request, uuid):
    proposal = _proposal_or_404(request, uuid)
    return act(
        request,
        lambda _d: matching.proposal_accept(actor=request.user, proposal=proposal),
        back="mutualaid:request-detail",
        success=_("Thank you! The neighbour's door and phone are below."),
        uuid=proposal.request.uuid,
    )


@login_required
@require_POST
def proposal_decline(request, uuid):
    proposal = _proposal_or_404(request, uuid)
    try:
        matching.proposal_decline(actor=request.user, proposal=proposal)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Thank you for answering; we will ask someone else."))
    if perms.coordinates_request(request.user, proposal.request):
        return redirect("mutualaid:board", uuid=proposal.request.community.uuid)
    return redirect("mutualaid:helping")


@login_required
@require_POST
def request_take(request, uuid):
    help_request = get_object_for_actor(
        HelpRequest.objects.select_related("household", "community"), uuid=uuid
    )
    helper = perms.helper_of(request.user)
    if helper is None or helper.community_id != help_request.community_id:
        raise Http404
    try:
        matching.request_take(actor=request.user, request=help_request)
    except ValidationError as exc:
        refused(request, exc)
        return redirect("mutualaid:helping")
    messages.success(request, _("Thank you! The neighbour's door and phone are below."))
    return _back(help_request)


@login_required
@require_POST
def check_in(request, uuid):
    help_request = _request_or_404(request, uuid)
    return act(
        request,
        lambda _d: records.service_check_in(actor=request.user, request=help_request),
        back="mutualaid:request-detail",
        success=_("Checked in. Check out when you leave."),
        uuid=help_request.uuid,
    )


@login_required
@require_POST
def check_out(request, uuid):
    help_request = _request_or_404(request, uuid)
    record = ServiceRecord.objects.filter(request=help_request).first()
    if record is None:
        messages.error(request, _("Check in first."))
        return _back(help_request)
    form = CheckOutForm(request.POST)
    return act(
        request,
        lambda d: records.service_check_out(
            actor=request.user, record=record, claimed_minutes=d.get("claimed_minutes")
        ),
        back="mutualaid:request-detail",
        success=_("Checked out. The neighbour will confirm the time."),
        form=form,
        uuid=help_request.uuid,
    )


def _record_or_404(request, uuid) -> ServiceRecord:
    record = get_object_for_actor(
        ServiceRecord.objects.select_related(
            "request__community", "request__household", "recipient"
        ),
        uuid=uuid,
    )
    if not perms.can_view_request(request.user, record.request):
        raise Http404
    return record


@login_required
@require_POST
def service_confirm(request, uuid):
    record = _record_or_404(request, uuid)
    return act(
        request,
        lambda _d: records.service_confirm(actor=request.user, record=record),
        back="mutualaid:request-detail",
        success=_("Thank you! The hours are credited to your helper."),
        uuid=record.request.uuid,
    )


@login_required
@require_POST
def service_reject(request, uuid):
    record = _record_or_404(request, uuid)
    return act(
        request,
        lambda d: records.service_reject(actor=request.user, record=record, reason=d["reason"]),
        back="mutualaid:request-detail",
        success=_("Thank you; the worker will look into it."),
        form=RejectForm(request.POST),
        uuid=record.request.uuid,
    )


@login_required
@require_POST
def service_redeem(request, uuid):
    """The person helped pays for the service with hours they earned helping others."""
    record = _record_or_404(request, uuid)
    if not request.user.resident_id:
        raise Http404
    payer = Resident.objects.select_related("community", "household").get(
        pk=request.user.resident_id
    )
    return act(
        request,
        lambda _d: ledger.hours_redeem(actor=request.user, resident=payer, record=record),
        back="mutualaid:request-detail",
        success=_("Paid with your hours. Thank you!"),
        uuid=record.request.uuid,
    )


@login_required
def helping(request):
    """ "I can help": what was sent to me, what I hold, open needs near me; or the form to
    offer help."""
    desk = selectors.helper_desk(actor=request.user)
    form = None
    if desk is None:
        if not request.user.resident_id:
            raise Http404
        form = HelperForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                helper_services.helper_enrol(
                    actor=request.user,
                    resident=Resident.objects.select_related("community", "household").get(
                        pk=request.user.resident_id
                    ),
                    skills=d["skills"],
                    availability=availability_from(d["availability"]),
                    monthly_cap=d["monthly_cap"],
                    health_declared=d["health_declared"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you! A worker will call you to verify."))
                return redirect("mutualaid:helping")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "mutualaid/helping.html",
        {
            "desk": desk,
            "form": form,
            "asked": [(p, presenters.reason_words(p.reasons)) for p in desk.asked] if desk else [],
        },
    )


@login_required
@require_POST
def helper_pause(request):
    helper = perms.helper_of(request.user)
    if helper is None:
        raise Http404
    paused = request.POST.get("paused") == "1"
    try:
        helper_services.helper_pause(actor=request.user, helper=helper, paused=paused)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request, _("Paused: no one will be matched to you.") if paused else _("Welcome back!")
        )
    return redirect("mutualaid:helping")
