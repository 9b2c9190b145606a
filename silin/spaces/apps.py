from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "silin.spaces"
    label = "spaces"
