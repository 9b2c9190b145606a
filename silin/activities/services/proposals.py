"""Residents' proposals for the catalogue: a resident proposes, a worker of the proposer's
community accepts (a community catalogue item is made from it, linked to the proposal) or
declines with a reason; either way the proposer is told (kind + params)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import Category, Proposal, Stage
from silin.activities.services import catalogue
from silin.activities.services.common import ActivityError, raise_errors
from silin.activities.services.notices import notify
from silin.core import audit
from silin.places.models import Community

if TYPE_CHECKING:
    from silin.accounts.models import User

MAX_REASON = 300


@dataclass
class ProposalData:
    title: str
    category: str
    stage: str
    description: str = ""
    for_families: bool = False
    for_elderly: bool = False
    for_children: bool = False


def _check(data: ProposalData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the activity a title.")]
    elif len(data.title.strip()) > 100:
        errors["title"] = [_("A title has at most 100 characters.")]
    if len(data.description) > 2000:
        errors["description"] = [_("A description has at most 2000 characters.")]
    if data.category not in Category.values:
        errors["category"] = [_("Choose a category from the list.")]
    if data.stage not in Stage.values:
        errors["stage"] = [_("Choose a relationship stage from the list.")]
    raise_errors(errors)


def _state(p: Proposal) -> dict[str, object]:
    return {"title": p.title, "category": p.category, "stage": p.stage, "state": p.state}


@transaction.atomic
def proposal_create(
    *, actor: User, data: ProposalData, community: Community | None = None
) -> Proposal:
    """A resident's proposal, to a community they live in (default: their first home's)."""
    homes = perms.home_community_ids(actor)
    if not homes:
        raise PermissionDenied
    if community is None:
        community = Community.objects.get(pk=homes[0])
    elif community.pk not in homes:
        raise ActivityError({"community": [_("You can propose only to a community you live in.")]})
    _check(data)
    proposal = Proposal.objects.create(
        community=community,
        proposer=actor,
        title=data.title.strip(),
        description=data.description.strip(),
        category=data.category,
        stage=data.stage,
        for_families=data.for_families,
        for_elderly=data.for_elderly,
        for_children=data.for_children,
    )
    audit.record(
        actor=actor, action="create", obj=proposal, changes=audit.diff({}, _state(proposal))
    )
    return proposal


def _lock_pending(actor: User, proposal: Proposal) -> Proposal:
    if not perms.decides_proposal(actor, proposal):
        raise PermissionDenied
    fresh = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("community", "proposer")
        .get(pk=proposal.pk)
    )
    if fresh.state != Proposal.State.PENDING:
        raise ActivityError(_("This proposal has been decided already."))
    return fresh


def _decide(actor: User, proposal: Proposal, state: str, **outcome: Any) -> None:
    """Record the decision (state, who, when, and the item made or the reason), audited."""
    proposal.state = state
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    for name, value in outcome.items():
        setattr(proposal, name, value)
    proposal.save(update_fields=["state", "decided_by", "decided_at", *outcome])
    changes: dict[str, list[Any]] = {"state": [Proposal.State.PENDING, state]}
    changes.update({k: [None, str(getattr(v, "uuid", v))] for k, v in outcome.items()})
    audit.record(actor=actor, action="update", obj=proposal, changes=changes, detail=state)


def _params(p: Proposal, **extra: object) -> dict[str, object]:
    return {"proposal": str(p.uuid), "title": p.title, **extra}


@transaction.atomic
def proposal_accept(*, actor: User, proposal: Proposal) -> Proposal:
    """Accept: the proposal becomes an item of its community's own catalogue."""
    proposal = _lock_pending(actor, proposal)
    item = catalogue.item_create(
        actor=actor,
        street=proposal.community.street,
        community=proposal.community,
        data=catalogue.ItemData(
            title=proposal.title,
            category=proposal.category,
            stage=proposal.stage,
            description=proposal.description,
            for_families=proposal.for_families,
            for_elderly=proposal.for_elderly,
            for_children=proposal.for_children,
        ),
    )
    _decide(actor, proposal, Proposal.State.ACCEPTED, item=item)
    notify(proposal.proposer, "activity_proposal_accepted", _params(proposal, item=str(item.uuid)))
    return proposal


@transaction.atomic
def proposal_decline(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """Decline with the reason the worker types (told to the proposer as written)."""
    reason = (reason or "").strip()
    if not reason:
        raise ActivityError({"reason": [_("Say why the proposal is declined.")]})
    if len(reason) > MAX_REASON:
        raise ActivityError(
            {"reason": [_("A reason has at most %(max)d characters.") % {"max": MAX_REASON}]}
        )
    proposal = _lock_pending(actor, proposal)
    _decide(actor, proposal, Proposal.State.DECLINED, decline_reason=reason)
    notify(proposal.proposer, "activity_proposal_declined", _params(proposal, reason=reason))
    return proposal
