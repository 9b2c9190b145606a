"""Who may read, change and reveal what in the register."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from silin.core.roles import Capability
from silin.core.scoping import covers_household, scope_for
from silin.people.models import CHILD_CONSENT_AGE, Consent, CorrectionRequest, Guardian, Resident
from silin.places.models import Household

if TYPE_CHECKING:
    from silin.accounts.models import User


@rules.predicate
def has_register_scope(user: User) -> bool:
    return not scope_for(user, Capability.VIEW_REGISTER).empty


@rules.predicate
def has_edit_scope(user: User) -> bool:
    return not scope_for(user, Capability.EDIT_REGISTER).empty


@rules.predicate
def resident_in_register_scope(user: User, resident: Resident) -> bool:
    return covers_household(user, Capability.VIEW_REGISTER, resident.household)


@rules.predicate
def resident_in_edit_scope(user: User, resident: Resident) -> bool:
    return covers_household(user, Capability.EDIT_REGISTER, resident.household)


@rules.predicate
def resident_in_reveal_scope(user: User, resident: Resident) -> bool:
    return covers_household(user, Capability.REVEAL_PERSONAL, resident.household)


@rules.predicate
def is_self(user: User, resident: Resident) -> bool:
    """A resident with an account may see what the register holds on them (PIPL)."""
    return getattr(user, "is_authenticated", False) and user.resident_id == resident.pk


@rules.predicate
def household_in_edit_scope(user: User, household: Household) -> bool:
    return covers_household(user, Capability.EDIT_REGISTER, household)


@rules.predicate
def has_own_record(user: User) -> bool:
    return getattr(user, "is_authenticated", False) and user.resident_id is not None


@rules.predicate
def may_withdraw_consent(user: User, consent: Consent) -> bool:
    """Their own consent, or a ward's under 14: a guardian decides for a young child."""
    if not getattr(user, "is_authenticated", False) or user.resident_id is None:
        return False
    if consent.resident_id == user.resident_id:
        return True
    return (
        consent.resident.age < CHILD_CONSENT_AGE
        and Guardian.objects.filter(
            minor_id=consent.resident_id, guardian_id=user.resident_id
        ).exists()
    )


@rules.predicate
def correction_in_edit_scope(user: User, correction: CorrectionRequest) -> bool:
    return covers_household(user, Capability.EDIT_REGISTER, correction.resident.household)


@rules.predicate
def has_anonymise_scope(user: User) -> bool:
    return not scope_for(user, Capability.ANONYMISE_RESIDENTS).empty


@rules.predicate
def resident_in_anonymise_scope(user: User, resident: Resident) -> bool:
    return covers_household(user, Capability.ANONYMISE_RESIDENTS, resident.household)


rules.add_perm("people.browse_register", has_register_scope)
rules.add_perm("people.add_resident", has_edit_scope)
rules.add_perm("people.view_resident", resident_in_register_scope | is_self)
rules.add_perm("people.change_resident", resident_in_edit_scope)
rules.add_perm("people.reveal_resident", resident_in_reveal_scope)
rules.add_perm("people.change_household_members", household_in_edit_scope)
rules.add_perm("people.view_my_data", rules.is_authenticated)
rules.add_perm("people.request_correction", has_own_record)
rules.add_perm("people.withdraw_consent", may_withdraw_consent)
rules.add_perm("people.browse_corrections", has_edit_scope)
rules.add_perm("people.decide_correction", correction_in_edit_scope)
rules.add_perm("people.browse_anonymisation", has_anonymise_scope)
rules.add_perm("people.anonymise_resident", resident_in_anonymise_scope)
