from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "silin.activities"
    label = "activities"
    verbose_name = _("Neighbour Activities")

    def ready(self) -> None:
        # Its rules, home panel, kinds of notice, "My data" section, retention rule and
        # menu entry. Imported here, not at the top: these modules import models.
        from silin.activities import (
            feeds,
            home,
            permissions,  # noqa: F401
            personal_data,
            retention,
        )
        from silin.activities.services import notices
        from silin.core import acting, calendar_feeds
        from silin.core.navigation import NavItem, register

        home.register()
        notices.register_kinds()
        personal_data.register()
        retention.register()
        calendar_feeds.register_source("activities.signups", feeds.signup_entries, order=20)
        register(NavItem("activities:event-list", _("Activities"), "people", order=55))
        # A family proxy holding "sign up for activities" may use these pages and endpoints
        # for the person they help (core.acting).
        acting.register(
            acting.Power.SIGN_UP_ACTIVITIES,
            url_names=[
                "activities:event-list",
                "activities:event-detail",
                "activities:signup-create",
                "activities:signup-cancel",
                "activities:offer-accept",
                "activities:mine",
            ],
            api_prefixes=["/activities/events", "/activities/signups"],
        )
