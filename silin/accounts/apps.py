from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "silin.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which cannot load before the
        # app registry is ready. Its sections of a person's "My data" and the retention
        # rule of one-time login codes.
        from silin.accounts import personal_data, retention, signals

        personal_data.register()
        retention.register()
        signals.connect()
