"""The two passes of an import over its file, and the tasks that run them.

The check pass reads every row, reports every error and counts what would be created and
updated (the dry run); nothing is written. The apply pass, after the worker confirms, reads
the file again, repeats every check (the register may have changed in between) and writes
in batches inside ONE transaction: a bad row anywhere, or a cancel, rolls everything back.

Audit at street scale: one entry for the job (who, the file's SHA-256, counts) plus one
entry per resident created or updated, written with bulk inserts in the same transaction, so
a resident's history shows the import like any other change without 200,000 single
inserts.

Small files run these passes inside the request (services.import_start); larger ones go to
the task worker (`manage.py db_worker`) through the two tasks at the end of this module.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django_tasks import task

from silin.accounts.models import User
from silin.core import audit
from silin.notifications.services import in_language_of
from silin.workbooks.errorbook import error_workbook
from silin.workbooks.importer import Cancelled, Importer, Outcome, ProgressFn
from silin.workbooks.models import ImportJob
from silin.workbooks.reader import WorkbookError

S = ImportJob.State


class Progress:
    """Publishes counts while a pass runs and reports a cancel request.

    The apply pass runs inside one transaction, so its counts go through a second database
    connection that commits at once. SQLite allows one writer at a time; there the counts
    of the apply pass appear when it ends.
    """

    EVERY = 5  # batches

    def __init__(self, job: ImportJob, *, side_channel: bool) -> None:
        self.job = job
        self.batches = 0
        self.conn: BaseDatabaseWrapper | None = None
        if side_channel and connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.conn = connections.create_connection("default")

    def __call__(self, outcome: Outcome, written: int) -> bool:
        self.batches += 1
        values = {
            "rows_checked": outcome.rows,
            "rows_written": written,
            "error_count": outcome.error_count,
            "updated_at": timezone.now(),
        }
        if self.batches % self.EVERY and self.batches > 1:
            return False
        return self._publish(values)

    def _publish(self, values: dict[str, Any]) -> bool:
        if self.conn is not None:
            return self._publish_aside(values)
        if connection.in_atomic_block and connection.vendor == "sqlite":
            return False
        ImportJob.objects.filter(pk=self.job.pk).update(**values)
        return ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    def _publish_aside(self, values: dict[str, Any]) -> bool:
        conn = self.conn
        assert conn is not None  # only called when the side channel is open
        table = ImportJob._meta.db_table
        sets = ", ".join(f"{name} = %s" for name in values)
        with conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {sets} WHERE id = %s RETURNING cancel_requested",  # noqa: S608
                [*values.values(), self.job.pk],
            )
            row = cursor.fetchone()
        conn.commit()
        return bool(row and row[0])

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _finish(job: ImportJob, outcome: Outcome | None, **fields: Any) -> None:
    if outcome is not None:
        fields.update(
            rows_checked=outcome.rows,
            error_count=outcome.error_count,
            to_create=outcome.created,
            to_update=outcome.updated,
            unchanged=outcome.unchanged,
            households_to_create=outcome.households,
            report=outcome.report(),
        )
    fields.setdefault(
        "finished_at", timezone.now() if fields.get("state") in ImportJob.FINISHED else None
    )
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()


def _run(job: ImportJob, *, actor: User, write: bool, progress: ProgressFn) -> Outcome:
    importer = Importer(actor=actor, job=job, write=write, progress=progress)
    with job.file.open("rb") as stream:
        return importer.run(stream)


def _problem(code: str = "", params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The job's file-level problem as it is stored: a code and plain params, no text."""
    return {"message_code": code, "message_params": params or {}}


def _fail(job: ImportJob, outcome: Outcome) -> None:
    name = job.filename.rsplit(".", 1)[0][:150] + ".errors.xlsx"
    # The error workbook is a document written once, by the worker, for whoever downloads
    # it: in the language of the user who uploaded the file (their profile's, else the
    # site's default), whatever language this pass runs in.
    with job.file.open("rb") as stream, in_language_of(job.created_by):
        content = error_workbook(stream, outcome.errors)
    job.error_file.save(name, ContentFile(content), save=False)
    _finish(job, outcome, state=S.FAILED, **_problem())


def import_check(*, job_id: int) -> None:
    """The check pass (dry run): counts what would change and collects every error."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != S.UPLOADED or job.cancel_requested:
        return
    job.state = S.CHECKING
    job.save(update_fields=["state", "updated_at"])
    progress = Progress(job, side_channel=False)
    try:
        outcome = _run(job, actor=job.created_by, write=False, progress=progress)
    except WorkbookError as exc:
        _finish(job, None, state=S.FAILED, **_problem(exc.code, exc.params))
        return
    except Cancelled:
        _finish(job, None, state=S.CANCELLED)
        return
    if outcome.errors:
        _fail(job, outcome)
    elif outcome.rows == 0:
        _finish(job, outcome, state=S.FAILED, **_problem("file.no_rows"))
    else:
        _finish(job, outcome, state=S.CHECKED, rows_total=outcome.rows, **_problem())


def import_apply(*, job_id: int, actor: User) -> None:
    """The writing pass: every row again, written in batches, all or nothing."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != S.APPLYING:
        return
    progress = Progress(job, side_channel=True)
    try:
        with transaction.atomic():
            outcome = _run(job, actor=actor, write=True, progress=progress)
            if outcome.errors or outcome.rows == 0:
                raise _RolledBack(outcome)
            _record_job(actor, job, outcome)
    except _RolledBack as rolled:
        if rolled.outcome.errors:
            _fail(job, rolled.outcome)
        else:
            _finish(job, rolled.outcome, state=S.FAILED, **_problem("file.no_rows"))
        return
    except WorkbookError as exc:
        _finish(job, None, state=S.FAILED, **_problem(exc.code, exc.params))
        return
    except Cancelled:
        _finish(job, None, state=S.CANCELLED, rows_written=0)
        return
    finally:
        progress.close()
    _finish(
        job,
        outcome,
        state=S.DONE,
        rows_total=outcome.rows,
        rows_written=outcome.created + outcome.updated,
    )


class _RolledBack(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("import rolled back")
        self.outcome = outcome


def _record_job(actor: User, job: ImportJob, outcome: Outcome) -> None:
    audit.record(
        actor=actor,
        action="create",
        obj=job,
        changes={
            "residents_created": [0, outcome.created],
            "residents_updated": [0, outcome.updated],
            "households_created": [0, outcome.households],
            "rows": [0, outcome.rows],
        },
        detail=f"import sha256:{job.file_sha256}",
    )


# --- the tasks, run by `manage.py db_worker` for files too large for a request -------------


@task(priority=5)
def check_import_task(job_id: int) -> None:
    """Reads and checks every row of an uploaded workbook (the dry run)."""
    import_check(job_id=job_id)


@task(priority=5)
def apply_import_task(job_id: int, actor_id: int) -> None:
    """Writes a confirmed import to the register, all or nothing."""
    import_apply(job_id=job_id, actor=User.objects.get(pk=actor_id))
