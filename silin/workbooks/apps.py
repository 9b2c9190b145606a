from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbooksConfig(AppConfig):
    name = "silin.workbooks"
    label = "workbooks"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        # Its rules predicates (`rules` only autodiscovers rules.py), the retention rule of
        # uploaded workbooks and its menu entry.
        from silin.core import retention
        from silin.core.navigation import NavItem, register
        from silin.core.roles import Capability
        from silin.workbooks import permissions  # noqa: F401
        from silin.workbooks.services import import_files_purge

        retention.register(
            "workbooks.import_files",
            setting="SILIN_IMPORT_FILE_RETENTION_DAYS",
            label=_("Uploaded import workbooks and error reports: deleted"),
            rule=import_files_purge,
        )
        register(
            NavItem(
                "workbooks:workbook-home",
                _("Import & export"),
                "file-earmark-spreadsheet",
                Capability.EXPORT_REGISTER,
                order=60,
            )
        )
