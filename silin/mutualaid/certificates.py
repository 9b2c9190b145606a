"""Volunteer service record certificates (志愿服务记录证明, MCA Order No. 67).

The Order's 《志愿服务记录与证明出具办法》 asks a certificate to name the volunteer
(name and ID number, here masked), the service content and hours, the issuing body, and a
number by which it is verified. A coordinator issues one for a period: the minutes and
services are counted from the resident's committed service records as helper whose
check-in falls in the period, net of corrections (a reversed credit no longer counts; an
overflow to the pool still does: the service was given). The PDF is rendered in the
language active when it is downloaded, with the CJK font (`lib.pdf`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.lib.pdf import html_to_pdf
from silin.lib.qr import qr_svg
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import Account, Certificate, Movement, ServiceRecord, Skill
from silin.mutualaid.services.common import MutualAidError
from silin.mutualaid.services.ledger import hours_text

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident
    from silin.places.models import Community

VERIFY_URL_NAME = "mutualaid:certificate-verify"  # kwargs: number
NUMBER_ATTEMPTS = 5


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware instants: from the first day's midnight to after the last day."""
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return first, after


def service_hours(
    resident: Resident, period_start: dt.date, period_end: dt.date
) -> tuple[int, int, dict[str, int]]:
    """(minutes, services, minutes by kind of service) the resident gave in the period: the
    hours the community issued for each committed record, net of their corrections."""
    first, after = _bounds(period_start, period_end)
    rows = (
        Movement.objects.filter(
            account__kind=Account.Kind.ISSUER,
            transfer__service__helper__resident=resident,
            transfer__service__state=ServiceRecord.State.COMMITTED,
            transfer__service__checked_in_at__gte=first,
            transfer__service__checked_in_at__lt=after,
        )
        .values_list("transfer__service_id", "transfer__service__request__kind")
        .annotate(issued=Sum("amount"))
        .order_by()
    )
    content: dict[str, int] = defaultdict(int)
    minutes = services = 0
    for _service, kind, issued in rows:
        net = -int(issued or 0)
        if net > 0:
            content[kind] += net
            minutes += net
            services += 1
    return minutes, services, dict(content)


def _prefix(community: Community, year: int) -> str:
    return f"SL-{community.code or f'C{community.pk}'}-{year}-"


def _next_number(community: Community, year: int) -> str:
    prefix = _prefix(community, year)
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def certificate_issue(
    *,
    actor: User,
    resident: Resident,
    period_start: dt.date,
    period_end: dt.date,
    now: dt.datetime | None = None,
) -> Certificate:
    """A coordinator issues the resident's certificate for a period. Its number is the
    community's next in the year; two issued at once never share one (the unique number
    refuses the second, which takes the next)."""
    now = now or timezone.now()
    community = resident.community
    if not perms.coordinates(
        actor,
        street_id=community.street_id,
        community_id=community.pk,
        compound_id=resident.household.compound_id,
    ):
        raise MutualAidError(_("Only a coordinator of the community may issue certificates."))
    if period_end < period_start:
        raise MutualAidError({"period_end": [_("The period ends before it starts.")]})
    if period_start > timezone.localdate(now):
        raise MutualAidError({"period_start": [_("The period has not started yet.")]})
    minutes, services, content = service_hours(resident, period_start, period_end)
    if not minutes:
        raise MutualAidError(
            _("%(name)s has no confirmed service hours in this period.") % {"name": resident.name}
        )
    with transaction.atomic():
        certificate = _write(
            resident=resident,
            community=community,
            period=(period_start, period_end),
            counted=(minutes, services, content),
            actor=actor,
            now=now,
        )
        audit.record(
            actor=actor,
            action="create",
            obj=certificate,
            changes={
                "number": certificate.number,
                "resident": str(resident.uuid),
                "period": [period_start.isoformat(), period_end.isoformat()],
                "minutes": minutes,
            },
            detail="mutualaid.certificate_issue",
        )
    return certificate


def _write(
    *,
    resident: Resident,
    community: Community,
    period: tuple[dt.date, dt.date],
    counted: tuple[int, int, dict[str, int]],
    actor: User,
    now: dt.datetime,
) -> Certificate:
    year = timezone.localtime(now).year
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: a lost race on the number tries again
                return Certificate.objects.create(
                    number=_next_number(community, year),
                    resident=resident,
                    community=community,
                    period_start=period[0],
                    period_end=period[1],
                    minutes=counted[0],
                    services=counted[1],
                    content=counted[2],
                    issued_by=actor,
                    issued_at=now,
                )
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# --- the PDF ---------------------------------------------------------------------------------


def verify_url(certificate: Certificate) -> str:
    """The verify page's path for this certificate (`VERIFY_URL_NAME`)."""
    try:
        return reverse(VERIFY_URL_NAME, kwargs={"number": certificate.number})
    except NoReverseMatch:  # the page is not wired yet: the documented path
        return f"/mutualaid/certificates/verify/{certificate.number}"


def _hours_figure(minutes: int) -> str:
    """Hours as a number with up to two decimals: "12.5"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def certificate_context(certificate: Certificate, *, url: str) -> dict[str, Any]:
    resident = certificate.resident
    labels = dict(Skill.choices)
    content = [
        {"what": str(labels.get(kind, Skill.OTHER.label)), "hours": hours_text(minutes)}
        for kind, minutes in sorted(certificate.content.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {
        "certificate": certificate,
        "name": resident.name,
        "id_number": resident.id_number_masked if resident.id_number_encrypted else "",
        "content": content,
        "total": hours_text(certificate.minutes),
        "total_hours": _hours_figure(certificate.minutes),
        "issuer": certificate.community.name,
        "issued_on": timezone.localdate(certificate.issued_at),
        "verify_url": url,
        "qr": qr_svg(url, scale=3),
    }


def certificate_pdf(certificate: Certificate, *, url: str | None = None) -> bytes:
    """The certificate as PDF in the active language. `url`: the verify page's absolute
    address for this certificate (the view passes `request.build_absolute_uri(...)`)."""
    context = certificate_context(certificate, url=url or verify_url(certificate))
    html = render_to_string("mutualaid/certificate_pdf.html", context)
    css = (
        ".qr { float: right; width: 28mm; } .qr svg { width: 28mm; height: 28mm; }"
        " .number { font-size: 10pt; } .seal { margin-top: 14mm; text-align: right; }"
        " th { width: 32%; background: #f3f3f3; }"
    )
    return html_to_pdf(html, css=css)
