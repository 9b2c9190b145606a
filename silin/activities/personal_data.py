"""What Neighbour Activities holds on a person, for their "My data" page (silin.people)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from silin.activities.models import Proposal, SignUp
from silin.core import personal_data as pd


def signups(subject: pd.Subject) -> pd.Section | None:
    """Sign-ups under the account, and those a worker made on the register record (a
    resident with no account of their own)."""
    who = Q(pk__in=[])
    if subject.user is not None:
        who |= Q(person=subject.user)
    if subject.resident is not None:
        who |= Q(resident=subject.resident)
    if subject.user is None and subject.resident is None:
        return None
    rows = (
        SignUp.objects.filter(who)
        .select_related("event", "signed_up_by", "feedback")
        .order_by("-event__starts_at", "-id")
    )
    records = [
        pd.Record(
            title=s.event.title,
            fields=[
                (_("Starts"), s.event.starts_at),
                (_("Companions"), s.companions),
                (_("State"), s.get_state_display()),
                (_("Signed up by"), s.signed_up_by.name if s.signed_up_by else ""),
                (_("Added at the door"), _("Yes") if s.walk_in else ""),
                (_("Signed up at"), s.created_at),
                (_("Checked in at"), s.checked_in_at),
                (_("Rating"), s.feedback.rating if hasattr(s, "feedback") else ""),
                (_("Comment"), s.feedback.comment if hasattr(s, "feedback") else ""),
            ],
        )
        for s in rows
    ]
    more = (reverse("activities:mine"), _("My activities"))
    return pd.Section(title=_("Activity sign-ups"), records=records, more=more)


def proposals(subject: pd.Subject) -> pd.Section | None:
    if subject.user is None:
        return None
    rows = Proposal.objects.filter(proposer=subject.user).select_related("community")
    records = [
        pd.Record(
            title=p.title,
            fields=[
                (_("Community"), p.community.name),
                (_("Description"), p.description),
                (_("State"), p.get_state_display()),
                (_("Reason for declining"), p.decline_reason),
                (_("Proposed on"), p.created_at),
            ],
        )
        for p in rows.order_by("-created_at", "-pk")
    ]
    more = (reverse("activities:proposal-list"), _("My proposals"))
    return pd.Section(title=_("Activity proposals"), records=records, more=more)


def register() -> None:
    pd.register("activities.signups", signups, order=120)
    pd.register("activities.proposals", proposals, order=121)
