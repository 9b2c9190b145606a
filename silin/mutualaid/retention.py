"""What neighbour services forget: the private notes of closed requests and of visits.

The requests themselves, their service records and the time bank's books are kept: they
are the hours a volunteer's certificate counts, and the books are append-only.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from silin.core import retention
from silin.mutualaid.models import HelpRequest, Visit

CLOSED = ("done", "cancelled", "expired")


def notes_rule(cutoff: dt.datetime, apply: bool) -> int:
    requests = HelpRequest.objects.filter(state__in=CLOSED, state_changed_at__lt=cutoff).exclude(
        notes=""
    )
    visits = Visit.objects.filter(visited_at__lt=cutoff).exclude(note="")
    if not apply:
        return requests.count() + visits.count()
    return requests.update(notes="") + visits.update(note="")


def register() -> None:
    retention.register(
        "mutualaid.notes",
        setting="SILIN_MUTUALAID_NOTES_RETENTION_DAYS",
        label=_("Notes on help requests and visits: cleared"),
        rule=notes_rule,
    )
