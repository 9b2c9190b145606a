from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from silin.core.navigation import NavItem, register
from silin.core.roles import Capability


class PeopleConfig(AppConfig):
    name = "silin.people"
    label = "people"
    verbose_name = _("Register")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which cannot load before the app
        # registry is ready. Its rules predicates (`rules` only autodiscovers rules.py), its
        # sections of a person's "My data", its retention rule, its home panels, its kind of
        # notice (rendered when read) and its menu entry.
        from silin.notifications import kinds
        from silin.people import (
            home,
            permissions,  # noqa: F401
            personal_data_sections,
            proxy_registry,
            retention,
        )
        from silin.people.services import corrections

        home.register()
        kinds.register(corrections.CORRECTION_NOTICE, corrections.render_correction_notice)
        personal_data_sections.register_defaults()
        retention.register()
        proxy_registry.register()
        register(
            NavItem(
                "people:resident-list", _("Register"), "people", Capability.VIEW_REGISTER, order=20
            )
        )
