"""Anonymising former residents once their retention period is over (by a worker, or by
`manage.py apply_retention` through people/retention.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.accounts.models import User
from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import covers_household
from silin.people.models import Consent, CorrectionRequest, Guardian, Resident
from silin.people.services.proxies import proxy_links_end_for

ANONYMOUS_NAME = "已匿名居民 {code}"
ERASED_FIELDS = ("name", "birth_date", "id_number", "mobile", "note")


def anonymisation_due_on(resident: Resident) -> dt.datetime | None:
    """When `resident` may be anonymised; None while they still live here."""
    if resident.status == Resident.Status.LIVING or resident.status_changed_at is None:
        return None
    return resident.status_changed_at + dt.timedelta(days=settings.SILIN_RESIDENT_RETENTION_DAYS)


def _check_anonymisable(actor: User | None, resident: Resident, *, by_retention: bool) -> None:
    if actor is None and not by_retention:
        raise PermissionDenied
    if actor is not None and not covers_household(
        actor, Capability.ANONYMISE_RESIDENTS, resident.household
    ):
        raise PermissionDenied
    if resident.anonymised_at is not None:
        raise ValidationError(_("This resident is already anonymised."))
    due = anonymisation_due_on(resident)
    if due is None:
        raise ValidationError(_("Only a resident who has moved out or died can be anonymised."))
    if due > timezone.now():
        raise ValidationError(
            _("The retention period has not ended: this resident can be anonymised from %(date)s.")
            % {"date": timezone.localdate(due).isoformat()}
        )


@transaction.atomic
def resident_anonymise(
    *, actor: User | None, resident: Resident, by_retention: bool = False
) -> Resident:
    """Erases a former resident's personal details once the retention period is over.

    Kept for statistics: gender, birth year, household (and so community), status and
    non-sensitive tags. Erased: name (replaced by a neutral label), exact birth date (now
    1 January of the birth year), ID and mobile numbers with their lookup hashes, the note,
    sensitive tags, guardian links, correction requests. The login account, if any, is
    detached from the record, and its open family links (亲情账号) end. The audit entry
    names the erased fields, not their values.
    `by_retention` lets `apply_retention` act without a user.
    """
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _check_anonymisable(actor, resident, by_retention=by_retention)
    resident.name = ANONYMOUS_NAME.format(code=resident.uuid.hex[:8].upper())
    resident.birth_date = resident.birth_date.replace(month=1, day=1)
    resident.id_number_encrypted = resident.id_number_hash = ""
    resident.mobile_encrypted = resident.mobile_hash = ""
    resident.note = ""
    resident.anonymised_at = timezone.now()
    resident.save()
    resident.tags.remove(*resident.tags.filter(sensitive=True))
    Guardian.objects.filter(Q(minor=resident) | Q(guardian=resident)).delete()
    Consent.objects.filter(given_by=resident).update(given_by=None)
    CorrectionRequest.objects.filter(resident=resident).delete()
    accounts = list(User.objects.filter(resident=resident))
    proxy_links_end_for(actor=actor, users=accounts, detail="ended: resident anonymised")
    detached = User.objects.filter(resident=resident).update(resident=None)
    audit.record(
        actor=actor,
        action="update",
        obj=resident,
        changes={f: [audit.MASK, "erased"] for f in ERASED_FIELDS},
        detail="anonymised"
        + (" (retention)" if by_retention else "")
        + (" · account detached" if detached else ""),
    )
    return resident
