from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "silin.people"
    label = "people"
    verbose_name = _("Register")

    def ready(self) -> None:
        # Its rules predicates (`rules` only autodiscovers rules.py), its sections of a
        # person's "My data", its retention rule, its home panels and its menu entry.
        from silin.core.navigation import NavItem, register
        from silin.core.roles import Capability
        from silin.people import (
            home,
            permissions,  # noqa: F401
            personal_data_sections,
            retention,
        )

        home.register()
        personal_data_sections.register_defaults()
        retention.register()
        register(
            NavItem(
                "people:resident-list", _("Register"), "people", Capability.VIEW_REGISTER, order=20
            )
        )
