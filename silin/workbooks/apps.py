from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "silin.workbooks"
    label = "workbooks"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py).
        from silin.workbooks import permissions  # noqa: F401
