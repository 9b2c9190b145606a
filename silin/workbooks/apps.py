from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbooksConfig(AppConfig):
    name = "silin.workbooks"
    label = "workbooks"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py) and
        # the retention rule of uploaded workbooks.
        from silin.core import retention
        from silin.workbooks import permissions  # noqa: F401
        from silin.workbooks.services import import_files_purge

        retention.register(
            "workbooks.import_files",
            setting="SILIN_IMPORT_FILE_RETENTION_DAYS",
            label=_("Uploaded import workbooks and error reports: deleted"),
            rule=import_files_purge,
        )
