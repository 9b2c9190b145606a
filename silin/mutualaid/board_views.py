"""The coordinator's pages: the matching board (run a batch, confirm all or one, choose a
helper by hand, raise a request for a resident) and the community's helpers (verify)."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from silin.core.access import get_object_for_actor
from silin.core.actions import act, refused
from silin.mutualaid import presenters, selectors
from silin.mutualaid.forms import HelperForm, ResidentSearchForm, VerifyForm, availability_from
from silin.mutualaid.models import HelperProfile, HelpRequest, Proposal
from silin.mutualaid.services import helpers as helper_services
from silin.mutualaid.services import matching
from silin.people.models import Resident


@login_required
def board_index(request):
    communities = list(selectors.coordinated_communities(actor=request.user)[:200])
    if not communities:
        raise Http404
    if len(communities) == 1:
        return redirect("mutualaid:board", uuid=communities[0].uuid)
    return render(request, "mutualaid/board_index.html", {"communities": communities})


_ANY = uuid_module.UUID(int=0)


def _words(rows, *, request_uuid: str = "uuid"):
    """Each row (a dict) with its words and link, from labels translated and a URL reversed
    once a page, not once a row."""
    kinds = presenters.choice_labels(HelpRequest, "kind")
    states = presenters.choice_labels(HelpRequest, "state")
    urgencies = presenters.choice_labels(HelpRequest, "urgency")
    link = reverse("mutualaid:request-detail", args=[_ANY])
    for row in rows:
        row["kind_label"] = kinds[row["kind"]]
        row["urgency_label"] = urgencies[row["urgency"]]
        if "state" in row:
            row["state_label"] = states[row["state"]]
        if "reasons" in row:
            row["reason_text"] = presenters.reason_words(row["reasons"])
        row["url"] = link.replace(str(_ANY), str(row[request_uuid]))
    return rows


@login_required
def board(request, uuid):
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    data = selectors.board(
        actor=request.user,
        community=community,
        pages={name: request.GET.get(name) for name in selectors.BOARD_SECTIONS},
    )
    search = ResidentSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["name"]:
        found = selectors.residents_to_help(
            actor=request.user, community=community, name=search.cleaned_data["name"]
        )
    for section in (data.proposed, data.sent):
        _words(section.object_list, request_uuid="request_uuid")
    for section in (data.unmatched, data.under_way):
        _words(section.object_list)
    return render(
        request,
        "mutualaid/board.html",
        {
            "b": data,
            "community": community,
            "confirm_url": reverse("mutualaid:board-confirm", args=[community.uuid]),
            "search": search,
            "found": found,
            "kinds": HelpRequest._meta.get_field("kind").choices,
        },
    )


@login_required
@require_POST
def board_run(request, uuid):
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    return act(
        request,
        lambda _d: matching.matching_run(actor=request.user, community=community),
        back="mutualaid:board",
        success=lambda run: (
            ngettext(
                "%(matched)s of %(needs)s request matched; check the pair and confirm.",
                "%(matched)s of %(needs)s requests matched; check the pairs and confirm.",
                run.needs,
            )
            % {"matched": run.matched, "needs": run.needs}
        ),
        uuid=community.uuid,
    )


@login_required
@require_POST
def board_confirm(request, uuid):
    """Confirm every proposed pair of the board, or the one named by `proposal`."""
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    proposals = Proposal.objects.filter(
        request__community=community, state=Proposal.State.PROPOSED
    ).select_related("request__community", "request__household")
    one = request.POST.get("proposal")
    if one:
        proposals = proposals.filter(uuid=one)
    try:
        sent = matching.proposals_confirm(actor=request.user, proposals=list(proposals))
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            ngettext("Sent to %(n)s helper.", "Sent to %(n)s helpers.", sent) % {"n": sent},
        )
    return redirect("mutualaid:board", uuid=community.uuid)


@login_required
@require_POST
def board_choose(request, uuid):
    """Match one request by hand to a helper of the community."""
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    help_request = get_object_for_actor(
        HelpRequest.objects.filter(community=community).select_related("household", "community"),
        uuid=request.POST.get("request"),
    )
    helper = get_object_for_actor(
        HelperProfile.objects.select_related("resident"), uuid=request.POST.get("helper")
    )
    return act(
        request,
        lambda _d: matching.proposal_choose(
            actor=request.user, request=help_request, helper=helper
        ),
        back="mutualaid:board",
        success=_("Sent to %(name)s.") % {"name": helper.resident.name},
        uuid=community.uuid,
    )


@login_required
def helpers(request, uuid):
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    search = ResidentSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["name"]:
        found = selectors.residents_to_help(
            actor=request.user, community=community, name=search.cleaned_data["name"]
        )
    return render(
        request,
        "mutualaid/helpers.html",
        {
            "community": community,
            "helpers": selectors.helpers_of_community(actor=request.user, community=community),
            "verify_form": VerifyForm(),
            "search": search,
            "found": found,
            "enrol_form": HelperForm(),
        },
    )


@login_required
@require_POST
def helper_enrol(request, uuid):
    """A coordinator enrols a resident as a helper (one without a phone included)."""
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    resident = get_object_for_actor(
        Resident.objects.filter(community=community).select_related("community", "household"),
        uuid=request.POST.get("resident"),
    )
    return act(
        request,
        lambda d: helper_services.helper_enrol(
            actor=request.user,
            resident=resident,
            skills=d["skills"],
            availability=availability_from(d["availability"]),
            monthly_cap=d["monthly_cap"],
            health_declared=d["health_declared"],
        ),
        back="mutualaid:helpers",
        success=_("%(name)s is a helper now; verify them once trained.") % {"name": resident.name},
        form=HelperForm(request.POST),
        uuid=community.uuid,
    )


@login_required
@require_POST
def helper_verify(request, uuid):
    helper = selectors.helper_get(actor=request.user, uuid=uuid)
    form = VerifyForm(request.POST)
    return act(
        request,
        lambda d: helper_services.helper_verify(
            actor=request.user, helper=helper, safety_trained_on=d["safety_trained_on"]
        ),
        back="mutualaid:helpers",
        success=_("%(name)s is verified and can be matched.") % {"name": helper.resident.name},
        form=form,
        uuid=helper.community.uuid,
    )
