"""What pairings contribute to the home page: the overdue list's first ten for the
coordinators, a to-do for the visits that found something not well in the last seven days,
and a helper's next visits due."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import ngettext

from silin.core import home
from silin.core.home import Todo, Urgency
from silin.mutualaid import permissions as perms
from silin.mutualaid import selectors_pairings as sel

if TYPE_CHECKING:
    from silin.accounts.models import User

PANEL_ROWS = 10
HELPER_ROWS = 3


def overdue_panel(actor: User) -> dict[str, Any] | None:
    """The overdue list's first ten (two queries), for those who coordinate a community."""
    if perms.coordinator_scope(actor).empty:
        return None
    overdue = sel.overdue_list(actor=actor, limit=PANEL_ROWS)
    communities = {r.pairing.community_id for r in overdue.rows}
    return {"overdue": overdue, "many": len(communities) > 1}


def my_pairings_panel(actor: User) -> dict[str, Any] | None:
    """A helper's next visits due (soonest first); nothing for one with no live pairing."""
    if perms.helper_of(actor) is None:
        return None
    rows = sel.pairings_for_helper(actor=actor)
    if not rows:
        return None
    return {"rows": rows[:HELPER_ROWS]}


def not_well_todos(actor: User) -> list[Todo]:
    if perms.coordinator_scope(actor).empty:
        return []
    count = sel.not_well_count(actor=actor)
    if not count:
        return []
    return [
        Todo(
            key="mutualaid.visits_not_well",
            label=ngettext(
                "%(count)s visit in the last 7 days found a neighbour not well",
                "%(count)s visits in the last 7 days found a neighbour not well",
                count,
            )
            % {"count": count},
            url=reverse("mutualaid:overdue") + "#not-well",
            count=count,
            urgency=Urgency.REQUEST,
            icon="heart-pulse",
        )
    ]


def register() -> None:
    home.register_todos("mutualaid.visits_not_well", not_well_todos)
    home.register_panel(
        "mutualaid.overdue_visits",
        template="mutualaid/pairings/panels/_overdue.html",
        build=overdue_panel,
        order=52,
    )
    home.register_panel(
        "mutualaid.my_pairings",
        template="mutualaid/pairings/panels/_my_pairings.html",
        build=my_pairings_panel,
        order=56,
    )
