"""An import's file-level problem and its row errors are stored as codes and params.

The jobs stay as the record of who imported what (only their files are deleted after
SILIN_IMPORT_FILE_RETENTION_DAYS), so the rows already stored are converted, not dropped:
the sentence each holds (written in the language the check ran in) cannot be turned back
into a code, so it becomes the code "legacy" with the sentence in params["text"], which the
catalogue shows as it is. Going back restores the sentences; a code stored since has no
sentence, so the code itself is written instead.
"""

from django.db import migrations, models

LEGACY = "legacy"


def _to_codes(apps, schema_editor):
    ImportJob = apps.get_model("workbooks", "ImportJob")
    for job in ImportJob.objects.iterator(chunk_size=200):
        changed = bool(job.message)
        if job.message:
            job.message_code, job.message_params = LEGACY, {"text": job.message}
        report = job.report if isinstance(job.report, dict) else {}
        errors = report.get("errors") or []
        if any("code" not in e for e in errors):
            changed = True
            report["errors"] = [
                {
                    "row": e.get("row"),
                    "column": e.get("column", ""),
                    "code": LEGACY,
                    "params": {"text": e.get("message", "")},
                }
                if "code" not in e
                else e
                for e in errors
            ]
            job.report = report
        if changed:
            job.save(update_fields=["message_code", "message_params", "report"])


def _to_sentences(apps, schema_editor):
    ImportJob = apps.get_model("workbooks", "ImportJob")
    for job in ImportJob.objects.iterator(chunk_size=200):
        if job.message_code:
            job.message = (job.message_params or {}).get("text", job.message_code)[:500]
        report = job.report if isinstance(job.report, dict) else {}
        errors = report.get("errors") or []
        if errors:
            report["errors"] = [
                {
                    "row": e.get("row"),
                    "column": e.get("column", ""),
                    "message": (e.get("params") or {}).get("text", e.get("code", "")),
                }
                for e in errors
            ]
            job.report = report
        job.save(update_fields=["message", "report"])


class Migration(migrations.Migration):

    dependencies = [
        ("workbooks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="message_code",
            field=models.CharField(blank=True, max_length=50, verbose_name="problem"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="message_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(_to_codes, _to_sentences, elidable=False),
        migrations.RemoveField(model_name="importjob", name="message"),
    ]
