from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from silin.core.navigation import NavItem, register
from silin.core.roles import Capability


class OrganizationsConfig(AppConfig):
    name = "silin.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which cannot load before the app
        # registry is ready. Its rules predicates (`rules` only autodiscovers rules.py) and its menu
        # entry.
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
