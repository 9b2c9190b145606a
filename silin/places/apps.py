from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "silin.places"
    label = "places"
