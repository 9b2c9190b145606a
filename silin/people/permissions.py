"""Who may read, change and reveal what in the register."""

from __future__ import annotations

import rules

from silin.core.roles import Capability
from silin.core.scoping import covers_household, scope_for


@rules.predicate
def has_register_scope(user) -> bool:
    return not scope_for(user, Capability.VIEW_REGISTER).empty


@rules.predicate
def has_edit_scope(user) -> bool:
    return not scope_for(user, Capability.EDIT_REGISTER).empty


@rules.predicate
def resident_in_register_scope(user, resident) -> bool:
    return covers_household(user, Capability.VIEW_REGISTER, resident.household)


@rules.predicate
def resident_in_edit_scope(user, resident) -> bool:
    return covers_household(user, Capability.EDIT_REGISTER, resident.household)


@rules.predicate
def resident_in_reveal_scope(user, resident) -> bool:
    return covers_household(user, Capability.REVEAL_PERSONAL, resident.household)


@rules.predicate
def is_self(user, resident) -> bool:
    """A resident with an account may see what the register holds on them (PIPL)."""
    return getattr(user, "is_authenticated", False) and user.resident_id == resident.pk


@rules.predicate
def household_in_edit_scope(user, household) -> bool:
    return covers_household(user, Capability.EDIT_REGISTER, household)


rules.add_perm("people.browse_register", has_register_scope)
rules.add_perm("people.add_resident", has_edit_scope)
rules.add_perm("people.view_resident", resident_in_register_scope | is_self)
rules.add_perm("people.change_resident", resident_in_edit_scope)
rules.add_perm("people.reveal_resident", resident_in_reveal_scope)
rules.add_perm("people.change_household_members", household_in_edit_scope)
