"""Who may open which place. Tree pages need VIEW_PLACES, household pages VIEW_REGISTER.

Objects outside these predicates are answered with 404 by the views, like missing ones.
"""

from __future__ import annotations

import rules

from silin.core.roles import Capability
from silin.core.scoping import scope_for


def _covers(user, capability: Capability, household) -> bool:
    return scope_for(user, capability).covers(
        street_id=household.community.street_id,
        community_id=household.community_id,
        compound_id=household.compound_id,
    )


@rules.predicate
def has_places_scope(user) -> bool:
    return not scope_for(user, Capability.VIEW_PLACES).empty


@rules.predicate
def has_register_scope(user) -> bool:
    return not scope_for(user, Capability.VIEW_REGISTER).empty


@rules.predicate
def household_in_register_scope(user, household) -> bool:
    return household is not None and _covers(user, Capability.VIEW_REGISTER, household)


@rules.predicate
def is_own_household(user, household) -> bool:
    """A resident with an account may look at the household they are registered in."""
    if household is None or not getattr(user, "is_authenticated", False):
        return False
    resident = getattr(user, "resident", None)
    return resident is not None and resident.household_id == household.pk


@rules.predicate
def building_in_register_scope(user, building) -> bool:
    compound = building.compound
    return scope_for(user, Capability.VIEW_REGISTER).covers(
        street_id=compound.community.street_id,
        community_id=compound.community_id,
        compound_id=compound.pk,
    )


rules.add_perm("places.view_building_households", building_in_register_scope)
rules.add_perm("places.browse_places", has_places_scope)
rules.add_perm("places.view_household", household_in_register_scope | is_own_household)
