"""What neighbour services bring to the home page: a resident's "I need help" panel with
their live requests, and to-dos: the helper's asks, the recipient's confirmations, the
coordinator's pairs to confirm and requests no one could take."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from silin.core import home
from silin.core.home import Todo, Urgency
from silin.mutualaid import permissions as perms
from silin.mutualaid import selectors
from silin.mutualaid.models import HelpRequest, Proposal, ServiceRecord

if TYPE_CHECKING:
    from silin.accounts.models import User

S = HelpRequest.State
LIVE = (S.OPEN, S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS)


def need_panel(actor: User) -> dict[str, Any] | None:
    if not perms.authenticated(actor) or not actor.resident_id:
        return None
    live = list(
        HelpRequest.objects.filter(requester_id=actor.resident_id, state__in=LIVE)
        .select_related("helper__resident")
        .order_by("window_start")[:3]
    )
    return {"live": live}


def helper_todos(actor: User) -> list[Todo]:
    helper = perms.helper_of(actor)
    if helper is None:
        return []
    count = Proposal.objects.filter(helper=helper, state=Proposal.State.CONFIRMED).count()
    if not count:
        return []
    return [
        Todo(
            key="mutualaid.asked",
            label=ngettext(
                "%(count)s neighbour asks for your help",
                "%(count)s neighbours ask for your help",
                count,
            )
            % {"count": count},
            url=reverse("mutualaid:helping"),
            count=count,
            urgency=Urgency.DEADLINE,
            icon="heart",
        )
    ]


def recipient_todos(actor: User) -> list[Todo]:
    if not perms.authenticated(actor) or not actor.resident_id:
        return []
    pending = list(
        ServiceRecord.objects.filter(
            recipient_id=actor.resident_id, state=ServiceRecord.State.PENDING
        ).select_related("request")[:5]
    )
    if not pending:
        return []
    return [
        Todo(
            key="mutualaid.confirm",
            label=ngettext(
                "Confirm the help you received",
                "Confirm the %(count)s times you were helped",
                len(pending),
            )
            % {"count": len(pending)},
            url=reverse("mutualaid:request-detail", args=[pending[0].request.uuid]),
            count=len(pending),
            urgency=Urgency.REQUEST,
            icon="check2-circle",
        )
    ]


def coordinator_todos(actor: User) -> list[Todo]:
    if perms.coordinator_scope(actor).empty:
        return []
    communities = selectors.coordinated_communities(actor=actor)
    rows = list(communities.values("pk", "uuid", "name")[:50])
    if not rows:
        return []
    ids = [r["pk"] for r in rows]
    proposed = dict(
        Proposal.objects.filter(request__community_id__in=ids, state=Proposal.State.PROPOSED)
        .values_list("request__community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    todos: list[Todo] = []
    for row in rows:
        count = proposed.get(row["pk"], 0)
        if count:
            todos.append(
                Todo(
                    key=f"mutualaid.proposed.{row['pk']}",
                    label=ngettext(
                        "%(count)s helper pair in %(community)s is waiting for your confirmation",
                        "%(count)s helper pairs in %(community)s are waiting for your confirmation",
                        count,
                    )
                    % {"count": count, "community": row["name"]},
                    url=reverse("mutualaid:board", args=[row["uuid"]]),
                    count=count,
                    urgency=Urgency.REQUEST,
                    icon="people",
                )
            )
    return todos


def register() -> None:
    home.register_panel(
        "mutualaid.need", template="mutualaid/panels/_need.html", build=need_panel, order=57
    )
    home.register_todos("mutualaid.asked", helper_todos)
    home.register_todos("mutualaid.confirm", recipient_todos)
    home.register_todos("mutualaid.proposed", coordinator_todos)
