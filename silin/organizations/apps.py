from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "silin.organizations"
    label = "organizations"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py).
        from silin.organizations import permissions  # noqa: F401
