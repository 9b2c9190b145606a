from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "silin.core"
    label = "core"
    verbose_name = _("Audit and roles")

    def ready(self) -> None:
        # The audit log's retention rule. Imported here, not at the top: it imports models,
        # which cannot load before the app registry is ready.
        from silin.core import retention

        retention.register_defaults()
