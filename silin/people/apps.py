from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "silin.people"
    label = "people"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py).
        from silin.people import permissions  # noqa: F401
        from silin.people.personal_data_sections import register_defaults

        register_defaults()
