"""The register's retention rule: former residents past the period are anonymised."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from silin.core import retention
from silin.people.models import Resident
from silin.people.services.anonymisation import resident_anonymise


def residents_rule(cutoff: dt.datetime, apply: bool) -> int:
    """Former residents whose status changed before `cutoff` (see resident_anonymise)."""
    due = (
        Resident.objects.exclude(status=Resident.Status.LIVING)
        .filter(anonymised_at__isnull=True, status_changed_at__lte=cutoff)
        .select_related("household__community")
    )
    if not apply:
        return due.count()
    done = 0
    for resident in due.iterator(chunk_size=500):
        resident_anonymise(actor=None, resident=resident, by_retention=True)
        done += 1
    return done


def register() -> None:
    retention.register(
        "people.residents",
        setting="SILIN_RESIDENT_RETENTION_DAYS",
        label=_("Residents who moved out or died: anonymised"),
        rule=residents_rule,
    )
