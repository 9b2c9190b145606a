from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "silin.workbooks"
    label = "workbooks"

    def ready(self) -> None:
        # Registers this app's rules predicates (`rules` only autodiscovers rules.py) and
        # the retention rule of uploaded workbooks.
        from silin.people import retention
        from silin.workbooks import permissions  # noqa: F401
        from silin.workbooks.services import import_files_purge

        retention.register(
            "workbooks.import_files",
            setting="SILIN_IMPORT_FILE_RETENTION_DAYS",
            label="Uploaded import workbooks and error reports",
            rule=import_files_purge,
        )
