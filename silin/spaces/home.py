"""What Neighbour Spaces contributes to the home pages (registered in SpacesConfig.ready):

- a resident's next bookings, with the way to book a shared space;
- for those who run spaces: today's bookings there, and the requests waiting for a decision
  as a to-do due when the soonest of them starts;
- for the street: its spaces, today's bookings and waiting requests, community by community.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import ngettext

from silin.core import home
from silin.core.home import Todo, Urgency
from silin.spaces.selectors import home as reads

if TYPE_CHECKING:
    from silin.accounts.models import User


def my_bookings_panel(actor: User) -> dict[str, Any] | None:
    """For anyone who lives in the register or has booked: the next bookings (or none yet)."""
    bookings = reads.next_bookings_for(actor=actor)
    if not bookings and not getattr(actor, "resident_id", None):
        return None
    return {"bookings": bookings}


def today_panel(actor: User) -> dict[str, Any] | None:
    """For those who run spaces in a community or compound; the street sees its table."""
    if not reads.runs_spaces(actor) or reads.administers_a_street(actor):
        return None
    bookings, total = reads.todays_bookings_for(actor=actor)
    return {"bookings": bookings, "total": total}


def street_panel(actor: User) -> dict[str, Any] | None:
    rows = reads.street_spaces_for(actor=actor)
    if not rows:
        return None
    totals = {
        "spaces": sum(r.spaces for r in rows),
        "bookings_today": sum(r.bookings_today for r in rows),
        "waiting": sum(r.waiting for r in rows),
    }
    return {"rows": rows, "totals": totals}


def resident_section(viewer: User, resident: Any) -> dict[str, Any] | None:
    """On a resident's page: their bookings, and booking a space for them."""
    upcoming, past = reads.resident_bookings_for(viewer=viewer, resident=resident)
    may_book = reads.runs_spaces(viewer) and getattr(resident, "user", None) is not None
    if not (upcoming or past or may_book):
        return None
    return {"upcoming": upcoming, "past": past, "may_book": may_book, "resident": resident}


def approval_todos(actor: User) -> list[Todo]:
    """Booking requests waiting for the actor's decision: due when the soonest starts."""
    if not reads.runs_spaces(actor):
        return []
    waiting = reads.requests_waiting_for(actor=actor)
    return [
        Todo(
            key="spaces.approvals",
            label=ngettext(
                "%(count)s booking request is waiting for a decision",
                "%(count)s booking requests are waiting for a decision",
                waiting.count,
            )
            % {"count": waiting.count},
            url=reverse("spaces:approval-queue"),
            count=waiting.count,
            urgency=Urgency.DEADLINE,
            due=waiting.soonest,
            icon="calendar-check",
        )
    ]


def register() -> None:
    home.register_panel(
        "spaces.my_bookings",
        template="spaces/panels/_my_bookings.html",
        build=my_bookings_panel,
        order=20,
    )
    home.register_panel(
        "spaces.today", template="spaces/panels/_today.html", build=today_panel, order=35
    )
    home.register_panel(
        "spaces.street", template="spaces/panels/_street.html", build=street_panel, order=85
    )
    home.register_todos("spaces.approvals", approval_todos)
    home.register_resident_section(
        "spaces.bookings",
        template="spaces/panels/_resident_bookings.html",
        build=resident_section,
        order=50,
    )
