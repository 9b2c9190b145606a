"""What neighbour services hold on a person, for their "My data" page (silin.people): the
help they asked for, their helper profile, the services they gave and their time account."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from silin.core import personal_data as pd
from silin.mutualaid import presenters
from silin.mutualaid.models import Account, HelperProfile, HelpRequest, Movement, ServiceRecord


def requests(subject: pd.Subject) -> pd.Section | None:
    if subject.resident is None:
        return None
    rows = (
        HelpRequest.objects.filter(requester=subject.resident)
        .select_related("helper__resident", "raised_by")
        .order_by("-window_start", "-id")
    )
    records = [
        pd.Record(
            title=r.get_kind_display(),
            fields=[
                (_("From"), r.window_start),
                (_("Until"), r.window_end),
                (_("State"), r.get_state_display()),
                (_("Asked by"), r.raised_by.name if r.raised_by else ""),
                (_("Helper"), r.helper.resident.name if r.helper else ""),
                (_("Notes for the helper"), r.notes),
            ],
        )
        for r in rows
    ]
    return pd.Section(
        title=_("Requests for help"),
        records=records,
        more=(reverse("mutualaid:need"), _("I need help")),
    )


def helping(subject: pd.Subject) -> pd.Section | None:
    if subject.resident is None:
        return None
    helper = HelperProfile.objects.filter(resident=subject.resident).first()
    account = Account.objects.filter(resident=subject.resident).first()
    if helper is None and account is None:
        return None
    records: list[pd.Record] = []
    if helper is not None:
        records.append(
            pd.Record(
                title=_("Helper profile"),
                fields=[
                    (_("What I can help with"), ", ".join(helper.skill_labels)),
                    (_("Tasks a month at most"), helper.monthly_cap),
                    (_("Verified at"), helper.verified_at),
                    (_("Safety training done on"), helper.safety_trained_on),
                    (_("Health declaration on"), helper.health_declared_on),
                    (_("Paused"), _("Yes") if helper.paused else ""),
                ],
            )
        )
        for s in ServiceRecord.objects.filter(helper=helper).select_related("recipient", "request"):
            records.append(
                pd.Record(
                    title=s.request.get_kind_display(),
                    fields=[
                        (_("Neighbour helped"), s.recipient.name),
                        (_("Checked in at"), s.checked_in_at),
                        (_("Checked out at"), s.checked_out_at),
                        (_("Minutes"), s.claimed_minutes or ""),
                        (_("State"), s.get_state_display()),
                    ],
                )
            )
    if account is not None:
        for m in Movement.objects.filter(account=account).select_related("transfer"):
            records.append(
                pd.Record(
                    title=m.transfer.get_kind_display(),
                    fields=[
                        (_("When"), m.created_at),
                        (_("Hours"), presenters.minutes_words(m.amount)),
                    ],
                )
            )
    return pd.Section(
        title=_("Helping neighbours and the time bank"),
        records=records,
        more=(reverse("mutualaid:statement"), _("Time bank")),
    )


def register() -> None:
    pd.register("mutualaid.requests", requests, order=130)
    pd.register("mutualaid.helping", helping, order=131)
