"""Residents' proposals for the catalogue: proposing, one's own proposals, a proposal's
page, and the workers' queue with accept and decline. Plain POST + redirect; a proposal
the actor may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silin.activities import permissions as perms
from silin.activities import selectors
from silin.activities.forms import DeclineForm, ProposalForm
from silin.activities.services import proposals
from silin.core.access import get_object_for_actor
from silin.core.actions import action_view
from silin.core.forms import add_service_errors


def _decided_or_404(request, uuid):
    proposal = get_object_for_actor(selectors.proposals_visible_to(request.user), uuid=uuid)
    if not perms.decides_proposal(request.user, proposal):
        raise Http404
    return proposal


@login_required
def proposal_create(request):
    if not perms.home_community_ids(request.user):
        raise Http404
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proposal = proposals.proposal_create(
                actor=request.user,
                data=proposals.ProposalData(**{k: d[k] for k in ProposalForm.base_fields}),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you! The community's workers will look at it."))
            return redirect("activities:proposal-detail", uuid=proposal.uuid)
    return render(request, "activities/proposal_form.html", {"form": form})


@login_required
def proposal_list(request):
    """My proposals (and, for the catalogue's workers, a link to the queue)."""
    mine = selectors.proposals_visible_to(request.user).filter(proposer=request.user)
    return render(
        request,
        "activities/proposal_list.html",
        {
            "proposals": mine.order_by("-created_at", "-pk"),
            "may_propose": bool(perms.home_community_ids(request.user)),
            "decides": perms.decides_any_proposal(request.user),
        },
    )


@login_required
def proposal_detail(request, uuid):
    proposal = get_object_for_actor(selectors.proposals_visible_to(request.user), uuid=uuid)
    return render(
        request,
        "activities/proposal_detail.html",
        {
            "proposal": proposal,
            "decides": perms.decides_proposal(request.user, proposal),
            "decline_form": DeclineForm(),
        },
    )


@login_required
def proposal_queue(request):
    if not perms.decides_any_proposal(request.user):
        raise Http404
    waiting = selectors.proposals_to_decide(request.user)
    return render(request, "activities/proposal_queue.html", {"proposals": waiting})


proposal_accept = action_view(
    _decided_or_404,
    lambda r, p, _d: proposals.proposal_accept(actor=r.user, proposal=p),
    "activities:proposal-detail",
    gettext_lazy("Accepted: the activity is on the community's catalogue."),
)
proposal_decline = action_view(
    _decided_or_404,
    lambda r, p, d: proposals.proposal_decline(actor=r.user, proposal=p, reason=d["reason"]),
    "activities:proposal-detail",
    gettext_lazy("Declined: the resident is told why."),
    form=DeclineForm,
)
