from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "silin.people"
    label = "people"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py), its
        # sections of a person's "My data" and its retention rules.
        from silin.people import (
            permissions,  # noqa: F401
            personal_data_sections,
            retention,
        )

        personal_data_sections.register_defaults()
        retention.register()
