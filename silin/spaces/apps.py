from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "silin.spaces"
    label = "spaces"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py) and
        # its sections of a person's "My data".
        from silin.spaces import (
            permissions,  # noqa: F401
            personal_data,
        )

        personal_data.register()
