from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "silin.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # Its rules predicates (`rules` only autodiscovers rules.py) and its menu entry.
        from silin.core.navigation import NavItem, register
        from silin.core.roles import Capability
        from silin.organizations import permissions  # noqa: F401

        register(
            NavItem(
                "organizations:organization-list",
                _("Organisations"),
                "diagram-3",
                Capability.VIEW_ORGANIZATIONS,
                order=40,
            )
        )
