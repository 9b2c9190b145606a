"""What Neighbour Activities contributes to the home page: a resident's next activities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from silin.activities import permissions as perms
from silin.activities import selectors
from silin.core import home

if TYPE_CHECKING:
    from silin.accounts.models import User


def my_activities_panel(actor: User) -> dict[str, Any] | None:
    if not perms.street_ids(actor):
        return None
    now = timezone.now()
    return {"signups": selectors.my_coming(actor=actor, now=now, limit=3)}


def register() -> None:
    home.register_panel(
        "activities.mine",
        template="activities/panels/_my_activities.html",
        build=my_activities_panel,
        order=55,
    )
