"""Who may open which place. Tree pages need VIEW_PLACES, household pages VIEW_REGISTER.

Objects outside these predicates are answered with 404 by the views, like missing ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from silin.core.roles import Capability
from silin.core.scoping import covers_compound, covers_household, scope_for

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.places.models import Building, Household


@rules.predicate
def has_places_scope(user: User) -> bool:
    return not scope_for(user, Capability.VIEW_PLACES).empty


@rules.predicate
def has_register_scope(user: User) -> bool:
    return not scope_for(user, Capability.VIEW_REGISTER).empty


@rules.predicate
def household_in_register_scope(user: User, household: Household | None) -> bool:
    return household is not None and covers_household(user, Capability.VIEW_REGISTER, household)


@rules.predicate
def is_own_household(user: User, household: Household | None) -> bool:
    """A resident with an account may look at the household they are registered in."""
    if household is None or not getattr(user, "is_authenticated", False):
        return False
    resident = getattr(user, "resident", None)
    return resident is not None and resident.household_id == household.pk


@rules.predicate
def building_in_register_scope(user: User, building: Building) -> bool:
    return covers_compound(user, Capability.VIEW_REGISTER, building.compound)


rules.add_perm("places.view_building_households", building_in_register_scope)
rules.add_perm("places.browse_places", has_places_scope)
rules.add_perm("places.view_household", household_in_register_scope | is_own_household)
