"""What Neighbour Activities contributes to the home page: a resident's next activities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from silin.activities import permissions as perms
from silin.activities import selectors
from silin.core import home
from silin.core.home import Todo, Urgency

if TYPE_CHECKING:
    from silin.accounts.models import User


def my_activities_panel(actor: User) -> dict[str, Any] | None:
    if not perms.street_ids(actor):
        return None
    now = timezone.now()
    return {"signups": selectors.my_coming(actor=actor, now=now, limit=3)}


def proposal_todos(actor: User) -> list[Todo]:
    """Residents' proposals waiting for the actor's decision (the catalogue's workers)."""
    if not perms.decides_any_proposal(actor):
        return []
    count = selectors.proposals_to_decide(actor).count()
    if not count:
        return []
    return [
        Todo(
            key="activities.proposals",
            label=ngettext(
                "%(count)s activity proposal from residents is waiting for a decision",
                "%(count)s activity proposals from residents are waiting for a decision",
                count,
            )
            % {"count": count},
            url=reverse("activities:proposal-queue"),
            count=count,
            urgency=Urgency.REQUEST,
            icon="lightbulb",
        )
    ]


def register() -> None:
    home.register_todos("activities.proposals", proposal_todos)
    home.register_panel(
        "activities.mine",
        template="activities/panels/_my_activities.html",
        build=my_activities_panel,
        order=55,
    )
