"""The roles people hold, each at one node of the jurisdiction tree, and what each may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_ADMIN = "street_admin", _("Street administrator")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    GRID_MEMBER = "grid_member", _("Grid member")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    ORG_LEADER = "org_leader", _("Organisation leader")
    REVIEWER = "reviewer", _("Reviewer")
    MEDIATOR = "mediator", _("Mediator")
    VOLUNTEER = "volunteer", _("Volunteer")
    RESIDENT = "resident", _("Resident")


class Capability(models.TextChoices):
    VIEW_PLACES = "view_places"
    VIEW_REGISTER = "view_register"
    EDIT_REGISTER = "edit_register"
    REVEAL_PERSONAL = "reveal_personal"
    VIEW_ORGANIZATIONS = "view_organizations"
    EDIT_ORGANIZATIONS = "edit_organizations"
    VIEW_AUDIT = "view_audit"
    IMPORT_REGISTER = "import_register"
    EXPORT_REGISTER = "export_register"
    ANONYMISE_RESIDENTS = "anonymise_residents"
    MANAGE_SPACES = "manage_spaces"
    VIEW_SPACE_FIGURES = "view_space_figures"


R = Role
C = Capability
ALL_ROLES = frozenset(Role)

# Which roles grant a capability over the subtree of the node they are assigned at.
CAPABILITY_ROLES: dict[Capability, frozenset[Role]] = {
    C.VIEW_PLACES: ALL_ROLES,
    C.VIEW_REGISTER: frozenset(
        {R.STREET_ADMIN, R.COMMUNITY_WORKER, R.SOCIAL_WORKER, R.GRID_MEMBER, R.COMMITTEE_MEMBER}
    ),
    C.EDIT_REGISTER: frozenset({R.STREET_ADMIN, R.COMMUNITY_WORKER, R.GRID_MEMBER}),
    C.REVEAL_PERSONAL: frozenset({R.STREET_ADMIN, R.COMMUNITY_WORKER}),
    C.VIEW_ORGANIZATIONS: ALL_ROLES,
    C.EDIT_ORGANIZATIONS: frozenset({R.STREET_ADMIN, R.COMMUNITY_WORKER, R.SOCIAL_WORKER}),
    C.VIEW_AUDIT: frozenset({R.STREET_ADMIN}),
    C.IMPORT_REGISTER: frozenset({R.STREET_ADMIN, R.COMMUNITY_WORKER}),
    C.EXPORT_REGISTER: frozenset(
        {R.STREET_ADMIN, R.COMMUNITY_WORKER, R.SOCIAL_WORKER, R.GRID_MEMBER}
    ),
    C.ANONYMISE_RESIDENTS: frozenset({R.STREET_ADMIN, R.COMMUNITY_WORKER}),
    # Run spaces: edit them, approve and book on someone's behalf, check people in.
    C.MANAGE_SPACES: frozenset(
        {
            R.STREET_ADMIN,
            R.COMMUNITY_WORKER,
            R.SOCIAL_WORKER,
            R.COMMITTEE_MEMBER,
            R.PROPERTY_MANAGER,
        }
    ),
    C.VIEW_SPACE_FIGURES: frozenset(
        {
            R.STREET_ADMIN,
            R.COMMUNITY_WORKER,
            R.SOCIAL_WORKER,
            R.COMMITTEE_MEMBER,
            R.PROPERTY_MANAGER,
            R.GRID_MEMBER,
        }
    ),
}

STAFF_ROLES = frozenset(CAPABILITY_ROLES[C.VIEW_REGISTER] | {R.PROPERTY_MANAGER, R.REVIEWER})
