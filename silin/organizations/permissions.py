"""Who may see and change which organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from silin.core.roles import Capability
from silin.core.scoping import scope_for

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.organizations.models import Organization


@rules.predicate
def has_organization_scope(user: User) -> bool:
    return not scope_for(user, Capability.VIEW_ORGANIZATIONS).empty


@rules.predicate
def may_edit_somewhere(user: User) -> bool:
    return not scope_for(user, Capability.EDIT_ORGANIZATIONS).empty


@rules.predicate
def edits_organization_community(user: User, organization: Organization) -> bool:
    community = organization.community
    return scope_for(user, Capability.EDIT_ORGANIZATIONS).covers(
        street_id=community.street_id, community_id=community.pk
    )


rules.add_perm("organizations.browse_organizations", has_organization_scope)
rules.add_perm("organizations.add_organization", may_edit_somewhere)
rules.add_perm("organizations.change_organization", edits_organization_community)
