from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "silin.places"
    label = "places"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py).
        from silin.places import permissions  # noqa: F401
