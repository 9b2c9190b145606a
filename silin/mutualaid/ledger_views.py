"""The time bank's pages: my statement (donate, give hours to a relative), a coordinator's
view of a resident's account (issue a certificate, correct an entry), the certificate PDF
and its public verify page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silin.core.access import get_object_for_actor
from silin.core.actions import act
from silin.core.forms import SilinForm
from silin.lib.masking import mask_name
from silin.mutualaid import certificates, presenters, selectors_ledger
from silin.mutualaid.models import Certificate, Skill
from silin.mutualaid.services import ledger
from silin.people.models import Resident

RELATED = ("household__compound", "community__street")


class MinutesForm(SilinForm):
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), min_value=0.5, max_value=1500, decimal_places=1
    )
    receiver = forms.UUIDField(required=False, widget=forms.HiddenInput)


class PeriodForm(SilinForm):
    period_start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=gettext_lazy("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _resident(request, uuid=None) -> Resident:
    if uuid is None:
        if not request.user.resident_id:
            raise Http404
        return Resident.objects.select_related(*RELATED).get(pk=request.user.resident_id)
    resident = get_object_for_actor(Resident.objects.select_related(*RELATED), uuid=uuid)
    if not selectors_ledger.may_see_account(request.user, resident):
        raise Http404
    return resident


def _lines(statement) -> list[dict]:
    from silin.mutualaid.models import Transfer  # noqa: PLC0415  (labels only)

    labels = dict(Transfer.Kind.choices)
    kinds = dict(Skill.choices)  # the service the hours were for
    return [
        {
            "at": line.at,
            "hours": presenters.minutes_words(line.minutes),
            "incoming": line.minutes > 0,
            "what": labels.get(line.kind, line.kind)
            + (f" · {kinds[line.params['kind']]}" if line.params.get("kind") in kinds else ""),
            "who": line.counterparty.name,
            "corrected": line.corrected,
        }
        for line in statement.lines
    ]


@login_required
def statement(request, uuid=None):
    resident = _resident(request, uuid)
    data = selectors_ledger.statement_for(actor=request.user, resident=resident)
    own = request.user.resident_id == resident.pk
    today = timezone.localdate()
    family = []
    if own:
        family = [
            r
            for r in Resident.objects.filter(household_id=resident.household_id).exclude(
                pk=resident.pk
            )
            if not ledger.family_problem(resident, r, today)
        ]
    return render(
        request,
        "mutualaid/statement.html",
        {
            "resident": resident,
            "statement": data,
            "balance": presenters.minutes_words(data.balance),
            "lines": _lines(data),
            "own": own,
            "family": family,
            "certificates": Certificate.objects.filter(resident=resident)[:20],
            "period_form": PeriodForm(
                initial={"period_start": today - dt.timedelta(days=365), "period_end": today}
            ),
            "minutes_form": MinutesForm(),
        },
    )


def _minutes(data) -> int:
    return int(data["hours"] * 60)


@login_required
@require_POST
def donate(request):
    resident = _resident(request)
    return act(
        request,
        lambda d: ledger.hours_donate(actor=request.user, resident=resident, minutes=_minutes(d)),
        back="mutualaid:statement",
        success=_("Thank you: your hours are in the community's pool."),
        form=MinutesForm(request.POST),
    )


@login_required
@require_POST
def give(request):
    resident = _resident(request)
    form = MinutesForm(request.POST)

    def write(d):
        receiver = get_object_for_actor(Resident.objects.all(), uuid=d.get("receiver"))
        return ledger.hours_give_family(
            actor=request.user, giver=resident, receiver=receiver, minutes=_minutes(d)
        )

    return act(
        request, write, back="mutualaid:statement", success=_("The hours are given."), form=form
    )


@login_required
@require_POST
def certificate_issue(request, uuid):
    resident = _resident(request, uuid)
    form = PeriodForm(request.POST)
    return act(
        request,
        lambda d: certificates.certificate_issue(
            actor=request.user,
            resident=resident,
            period_start=d["period_start"],
            period_end=d["period_end"],
        ),
        back="mutualaid:statement-of",
        success=lambda c: _("Certificate %(number)s issued.") % {"number": c.number},
        form=form,
        uuid=resident.uuid,
    )


@login_required
def certificate_pdf(request, uuid):
    certificate = get_object_for_actor(
        Certificate.objects.select_related(
            "resident__household", "resident__community", "community"
        ),
        uuid=uuid,
    )
    if not selectors_ledger.may_see_account(request.user, certificate.resident):
        raise Http404
    url = request.build_absolute_uri(certificates.verify_url(certificate))
    response = HttpResponse(
        certificates.certificate_pdf(certificate, url=url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


def certificate_verify(request, number: str = ""):
    """Public: anyone holding the paper checks its number. Shows the masked name, the hours,
    the period and the issuer, nothing more."""
    number = number or request.GET.get("number", "")
    found = selectors_ledger.certificate_by_number(number) if number else None
    return render(
        request,
        "mutualaid/certificate_verify.html",
        {
            "number": number,
            "certificate": found,
            "hours": presenters.minutes_words(found.minutes) if found else "",
            "name": mask_name(found.resident.name) if found else "",
        },
        status=200 if found or not number else 404,
    )
