"""Consents to the use of a resident's data: recorded by a worker, withdrawn by a worker or
by the resident (a guardian for a child under 14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.people.models import CHILD_CONSENT_AGE, Consent, Resident
from silin.people.permissions import may_withdraw_consent

if TYPE_CHECKING:
    from silin.accounts.models import User


@transaction.atomic
def consent_grant(
    *, actor: User, resident: Resident, purpose: str, given_by: Resident | None = None
) -> Consent:
    existing = Consent.objects.select_for_update().filter(
        resident=resident, purpose=purpose, withdrawn_at__isnull=True
    )
    if existing.exists():
        return existing.get()
    if resident.age < CHILD_CONSENT_AGE and given_by is None:
        raise ValidationError(
            {"given_by": [_("A guardian must give consent for a child under 14.")]}
        )
    consent = Consent.objects.create(
        resident=resident, purpose=purpose, recorded_by=actor, given_by=given_by
    )
    audit.record(actor=actor, action="grant", obj=resident, detail=f"consent:{purpose}")
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor, action="revoke", obj=consent.resident, detail=f"consent:{consent.purpose}"
        )
    return consent


def consent_withdraw_by_resident(*, actor: User, consent: Consent) -> Consent:
    """A resident withdraws their own consent, or a guardian one of a ward under 14."""
    if not may_withdraw_consent(actor, consent):
        raise PermissionDenied
    return consent_withdraw(actor=actor, consent=consent)
