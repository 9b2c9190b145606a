from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "silin.spaces"
    label = "spaces"
    verbose_name = _("Neighbour Spaces")

    def ready(self) -> None:
        # Its rules predicates (`rules` only autodiscovers rules.py), its sections of a
        # person's "My data", its home panels and to-do, its kinds of notice (rendered when
        # read) and its menu entry. Imported
        # here, not at the top: these modules import models, which need the app registry.
        from silin.core import acting, calendar_feeds
        from silin.core.navigation import NavItem, register
        from silin.spaces import (
            feeds,
            home,
            permissions,  # noqa: F401
            personal_data,
        )
        from silin.spaces.services import notices

        home.register()
        notices.register_kinds()
        personal_data.register()
        calendar_feeds.register_source("spaces.bookings", feeds.booking_entries, order=10)
        register(NavItem("spaces:space-list", _("Spaces"), "door-open", order=50))
        # A family proxy holding "book spaces" may use these pages and endpoints for the
        # person they help (core.acting; the request runs as that person, without roles).
        acting.register(
            acting.Power.BOOK_SPACES,
            url_names=["spaces:*"],
            api_prefixes=["/spaces", "/bookings", "/waitlist", "/feeds"],
        )
