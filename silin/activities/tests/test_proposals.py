"""Residents' proposals: proposed by a resident, on the worker's to-do list, accepted into
the community's catalogue or declined with a reason; the proposer told either way."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from silin.activities.home import proposal_todos
from silin.activities.models import CatalogueItem, Category, Proposal, Stage
from silin.activities.services import proposals
from silin.activities.services.common import ActivityError
from silin.core.audit import AuditEntry
from silin.notifications import kinds
from silin.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _data(**kw) -> proposals.ProposalData:
    values: dict[str, Any] = {
        "title": "院坝电影夜",
        "category": Category.SOCIAL,
        "stage": Stage.ACQUAINTANCE_FRIEND,
        "description": "夏天晚上在院坝放电影。",
        "for_families": True,
    }
    values.update(kw)
    return proposals.ProposalData(**values)


def test_a_resident_proposes_to_their_community_and_it_is_on_the_workers_todo(cast, world):
    proposal = proposals.proposal_create(actor=cast.liu, data=_data())
    assert proposal.state == Proposal.State.PENDING
    assert proposal.community == world.sanjiang
    assert AuditEntry.objects.filter(action="create", object_uuid=str(proposal.uuid)).exists()
    todos = proposal_todos(cast.worker)
    assert [(t.key, t.count) for t in todos] == [("activities.proposals", 1)]
    assert proposal_todos(cast.street_admin)[0].count == 1
    # The other community's worker, the grid member and the resident have nothing to decide.
    for who in (cast.other_worker, cast.grid_member, cast.liu, cast.outsider):
        assert proposal_todos(who) == []


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("title", {"title": "  "}),
        ("title", {"title": "长" * 101}),
        ("category", {"category": "space_travel"}),
        ("stage", {"stage": "enemies"}),
        ("description", {"description": "字" * 2001}),
    ],
)
def test_bad_proposals_are_refused_on_their_field_with_nothing_saved(cast, field, kw):
    with pytest.raises(ActivityError) as exc:
        proposals.proposal_create(actor=cast.liu, data=_data(**kw))
    assert field in exc.value.message_dict
    assert not Proposal.objects.exists()


def test_only_residents_with_a_home_may_propose(cast):
    for who in (cast.outsider, cast.worker):
        with pytest.raises(PermissionDenied):
            proposals.proposal_create(actor=who, data=_data())
    assert not Proposal.objects.exists()


def test_accepting_makes_a_community_item_linked_to_the_proposal_and_tells_the_proposer(
    cast, world, django_capture_on_commit_callbacks
):
    proposal = proposals.proposal_create(actor=cast.liu, data=_data())
    for who in (cast.other_worker, cast.grid_member, cast.volunteer, cast.liu):
        with pytest.raises(PermissionDenied):
            proposals.proposal_accept(actor=who, proposal=proposal)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposals.proposal_accept(actor=cast.worker, proposal=proposal)
    item = CatalogueItem.objects.get()
    assert (item.title, item.community, item.street) == ("院坝电影夜", world.sanjiang, world.street)
    assert item.for_families and proposal.item == item and item.proposal == proposal
    assert proposal.state == Proposal.State.ACCEPTED and proposal.decided_by == cast.worker
    notice = Notification.objects.get(recipient=cast.liu, kind="activity_proposal_accepted")
    assert notice.params["title"] == "院坝电影夜"
    with translation.override("en"):
        assert "accepted" in str(kinds.render(notice.kind, notice.params).title)
    assert proposal_todos(cast.worker) == []
    with translation.override("en"), pytest.raises(ActivityError, match="decided"):
        proposals.proposal_decline(actor=cast.worker, proposal=proposal, reason="重复")


def test_declining_needs_a_reason_which_the_proposer_reads(
    cast, django_capture_on_commit_callbacks
):
    proposal = proposals.proposal_create(actor=cast.liu, data=_data())
    for reason in ("", "   ", "因" * 301):
        with pytest.raises(ActivityError) as exc:
            proposals.proposal_decline(actor=cast.worker, proposal=proposal, reason=reason)
        assert "reason" in exc.value.message_dict
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        proposals.proposal_decline(actor=cast.street_admin, proposal=proposal, reason="场地不够")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decline_reason) == (Proposal.State.DECLINED, "场地不够")
    assert not CatalogueItem.objects.exists()
    notice = Notification.objects.get(recipient=cast.liu, kind="activity_proposal_declined")
    assert notice.params["reason"] == "场地不够"
    with translation.override("zh-hans"):
        rendered = kinds.render(notice.kind, notice.params)
    assert "场地不够" in rendered.body
