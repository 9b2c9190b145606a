from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "silin.notifications"
    label = "notifications"
