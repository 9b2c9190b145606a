from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "silin.notifications"
    label = "notifications"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which cannot load before the app
        # registry is ready. Its section of a person's "My data", its retention rule and its
        # home panel.
        from silin.notifications import home, personal_data, retention

        home.register()
        personal_data.register()
        retention.register()
