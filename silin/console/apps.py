from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "silin.console"
    label = "console"
    verbose_name = _("Home pages")

    def ready(self) -> None:
        # The home page and the audit log in the menu; the cross-app home panels. Imported
        # here, not at the top: the panels import models, which need the app registry.
        from silin.console import panels
        from silin.core.navigation import NavItem, register
        from silin.core.roles import Capability

        panels.register()
        register(NavItem("console:home", _("Home"), "house", order=10))
        register(
            NavItem(
                "admin:index",
                _("Back office"),
                "gear",
                visible=lambda user: user.is_staff,
                order=95,
            )
        )
        register(
            NavItem(
                "console:audit-list",
                _("Audit log"),
                "journal-text",
                Capability.VIEW_AUDIT,
                order=90,
            )
        )
