from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from silin.core.navigation import NavItem, register
from silin.core.roles import Capability


class WorkbooksConfig(AppConfig):
    name = "silin.workbooks"
    label = "workbooks"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which cannot load before the
        # app registry is ready. Its rules predicates (`rules` only autodiscovers rules.py),
        # the retention rule of uploaded workbooks and its menu entry.
        from silin.workbooks import (
            permissions,  # noqa: F401
            retention,
        )

        retention.register()
        register(
            NavItem(
                "workbooks:workbook-home",
                _("Import & export"),
                "file-earmark-spreadsheet",
                Capability.EXPORT_REGISTER,
                order=60,
            )
        )
