from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from silin.core.navigation import NavItem, register
from silin.core.roles import Capability


class PlacesConfig(AppConfig):
    name = "silin.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which cannot load before the app
        # registry is ready. Its rules predicates (`rules` only autodiscovers rules.py) and its menu
        # entry.
        from silin.places import permissions  # noqa: F401

        register(
            NavItem(
                "places:community-list", _("Places"), "buildings", Capability.VIEW_PLACES, order=30
            )
        )
