from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "silin.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Its section of a person's "My data".
        from silin.notifications import personal_data

        personal_data.register()
