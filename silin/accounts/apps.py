from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "silin.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The retention rule of one-time login codes.
        from silin.accounts import retention

        retention.register()
