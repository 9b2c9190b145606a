from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "silin.core"
    label = "core"
