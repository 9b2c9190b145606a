"""The workbooks' retention rule: uploaded and error workbooks are deleted after their
period (they hold ID numbers in clear); the jobs stay as the record of who imported what."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from silin.core import retention
from silin.workbooks.models import ImportJob


def import_files_purge(cutoff: dt.datetime, apply: bool) -> int:
    """Uploaded workbooks and error workbooks older than `cutoff`: the files are deleted and
    the preview emptied; the job keeps its counts and the file's SHA-256."""
    due = ImportJob.objects.filter(created_at__lt=cutoff).exclude(file="", error_file="")
    if not apply:
        return due.count()
    done = 0
    for job in due.iterator(chunk_size=200):
        for field in (job.file, job.error_file):
            if field:
                field.delete(save=False)
        job.report = {"errors": job.report.get("errors", []), "preview": []}
        job.save(update_fields=["file", "error_file", "report", "updated_at"])
        done += 1
    return done


def register() -> None:
    retention.register(
        "workbooks.import_files",
        setting="SILIN_IMPORT_FILE_RETENTION_DAYS",
        label=_("Uploaded import workbooks and error reports: deleted"),
        rule=import_files_purge,
    )
