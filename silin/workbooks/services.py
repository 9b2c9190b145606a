"""Writes of the workbooks app: imports from upload to the last row, and audited exports.

An import runs in two passes over the file. The check pass reads every row, reports every
error and counts what would be created and updated (the dry run); nothing is written. The
apply pass, after the worker confirms, reads the file again, repeats every check (the
register may have changed in between) and writes in batches inside ONE transaction: a bad
row anywhere, or a cancel, rolls everything back.

Audit at street scale: one entry for the job (who, the file's SHA-256, counts) plus one
entry per resident created or updated, written with bulk inserts in the same transaction, so
a resident's history shows the import like any other change without 200,000 single
inserts.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.places.models import Community, Street
from silin.workbooks.errorbook import error_workbook
from silin.workbooks.importer import Cancelled, Importer, Outcome
from silin.workbooks.models import ImportJob
from silin.workbooks.reader import WorkbookError

S = ImportJob.State
MAX_UPLOAD_BYTES = 60 * 1024 * 1024
# Files up to this many rows are checked inside the request; larger ones by the task worker.
INLINE_ROWS = 2000


def _home_node(actor) -> tuple[Street | None, Community | None]:
    scope = scope_for(actor, Capability.IMPORT_REGISTER)
    if scope.community_ids:
        community = Community.objects.select_related("street").get(pk=min(scope.community_ids))
        return community.street, community
    if scope.street_ids:
        return Street.objects.get(pk=min(scope.street_ids)), None
    return None, None


def import_upload(*, actor, upload, apply_when_checked: bool = False) -> ImportJob:
    """Stores an uploaded workbook as a new import job; the check is started by the caller."""
    if scope_for(actor, Capability.IMPORT_REGISTER).empty:
        raise PermissionDenied
    name = (getattr(upload, "name", "") or "register.xlsx")[-200:]
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than 60 MB. Split it into smaller files.")]}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    street, community = _home_node(actor)
    with transaction.atomic():
        job = ImportJob(
            created_by=actor,
            street=street,
            community=community,
            filename=name,
            file_sha256=digest.hexdigest(),
            apply_when_checked=apply_when_checked,
        )
        job.file.save("register.xlsx", upload, save=False)
        job.save()
        audit.record(
            actor=actor, action="create", obj=job, detail=f"upload sha256:{job.file_sha256}"
        )
    return job


def import_start(*, job: ImportJob) -> None:
    """Checks small files at once and hands larger ones to the task worker.

    With `apply_when_checked` there is no separate dry run: the writing pass checks every
    row itself and rolls everything back at the first error (one read of the file).
    """
    from silin.workbooks.tasks import apply_import_task, check_import_task

    if job.rows_total == 0:
        job.rows_total = _estimate_rows(job)
    if job.apply_when_checked:
        job.state = S.APPLYING
    job.save(update_fields=["rows_total", "state", "updated_at"])
    # A sheet without a <dimension> (openpyxl's files, our exports) has an unknown size
    # (0): it goes to the worker, as it may be large. The task row is written in the same
    # transaction as the job, so a worker never sees one without the other.
    inline = 0 < job.rows_total <= INLINE_ROWS
    if job.apply_when_checked and inline:
        import_apply(job_id=job.pk, actor=job.created_by)
    elif job.apply_when_checked:
        apply_import_task.enqueue(job.pk, job.created_by_id)
    elif inline:
        import_check(job_id=job.pk)
    else:
        check_import_task.enqueue(job.pk)
    job.refresh_from_db()


def _estimate_rows(job: ImportJob) -> int:
    from silin.workbooks.reader import open_register

    try:
        with job.file.open("rb") as stream:
            sheet = open_register(stream)
            sheet.close()
            return sheet.total or 0
    except WorkbookError:
        return 0


def import_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The worker confirms a checked import; the writing pass starts."""
    from silin.workbooks.tasks import apply_import_task

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != S.CHECKED:
            raise ValidationError(_("Only a checked import without errors can be applied."))
        if job.to_create + job.to_update == 0:
            raise ValidationError(_("This file changes nothing in the register."))
        job.state = S.APPLYING
        job.rows_written = job.rows_checked = 0  # the writing pass reads every row again
        job.save(update_fields=["state", "rows_written", "rows_checked", "updated_at"])
    if 0 < job.rows_total <= INLINE_ROWS:
        import_apply(job_id=job.pk, actor=actor)
        job.refresh_from_db()
    else:
        apply_import_task.enqueue(job.pk, actor.pk)
    return job


def import_cancel(*, actor, job: ImportJob) -> ImportJob:
    if job.state in ImportJob.FINISHED:
        return job
    if job.state == S.APPLYING and connection.vendor == "sqlite":
        # SQLite has one writer, held by the import until it ends (a minute at most).
        raise ValidationError(
            _("The register is being written; on this database it cannot be stopped now.")
        )
    if job.state in (S.UPLOADED, S.CHECKED):
        job.state = S.CANCELLED
        job.finished_at = timezone.now()
    job.cancel_requested = True
    job.save(update_fields=["state", "cancel_requested", "finished_at", "updated_at"])
    audit.record(actor=actor, action="update", obj=job, detail="import cancelled")
    return job


# --- the two passes, run by the task worker (or inline for small files) ---------------------


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
        self.conn = None
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

    def _publish(self, values: dict) -> bool:
        if self.conn is not None:
            return self._publish_aside(values)
        if connection.in_atomic_block and connection.vendor == "sqlite":
            return False
        ImportJob.objects.filter(pk=self.job.pk).update(**values)
        return ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    def _publish_aside(self, values: dict) -> bool:
        table = ImportJob._meta.db_table
        sets = ", ".join(f"{name} = %s" for name in values)
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {sets} WHERE id = %s RETURNING cancel_requested",  # noqa: S608
                [*values.values(), self.job.pk],
            )
            row = cursor.fetchone()
        self.conn.commit()
        return bool(row and row[0])

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _finish(job: ImportJob, outcome: Outcome | None, **fields) -> None:
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


def _run(job: ImportJob, *, actor, write: bool, progress: Callable) -> Outcome:
    importer = Importer(actor=actor, job=job, write=write, progress=progress)
    with job.file.open("rb") as stream:
        return importer.run(stream)


def _fail(job: ImportJob, outcome: Outcome) -> None:
    name = job.filename.rsplit(".", 1)[0][:150] + ".errors.xlsx"
    with job.file.open("rb") as stream:
        content = error_workbook(stream, outcome.errors)
    job.error_file.save(name, ContentFile(content), save=False)
    _finish(job, outcome, state=S.FAILED, message="")


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
        _finish(job, None, state=S.FAILED, message=exc.message)
        return
    except Cancelled:
        _finish(job, None, state=S.CANCELLED)
        return
    if outcome.errors:
        _fail(job, outcome)
    elif outcome.rows == 0:
        _finish(job, outcome, state=S.FAILED, message=_("The register sheet has no rows."))
    else:
        _finish(job, outcome, state=S.CHECKED, rows_total=outcome.rows, message="")


def import_apply(*, job_id: int, actor) -> None:
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
            message = _("The register sheet has no rows.")
            _finish(job, rolled.outcome, state=S.FAILED, message=message)
        return
    except WorkbookError as exc:
        _finish(job, None, state=S.FAILED, message=exc.message)
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


def _record_job(actor, job: ImportJob, outcome: Outcome) -> None:
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


# --- export -------------------------------------------------------------------------------------


def register_export(*, actor, node, keys: list[str], fmt: str, reveal: bool):
    """Writes the register below `node` to a temporary file; returns (file, rows, revealed).

    Personal details are unmasked only when asked for and the actor may reveal them over the
    whole node. Every export is logged with its row count; an unmasked one says so.
    """
    import tempfile

    from silin.workbooks import selectors
    from silin.workbooks.columns import BY_KEY, COLUMNS

    keys = [col.key for col in COLUMNS if col.required or col.key in keys]
    reveal = reveal and selectors.may_reveal(actor=actor, node=node)
    rows = selectors.export_rows(actor=actor, node=node, keys=keys, reveal=reveal)
    headers = [BY_KEY[k].header for k in keys]
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    count = (
        _write_csv(target, headers, rows) if fmt == "csv" else _write_xlsx(target, headers, rows)
    )
    target.seek(0)
    audit.record(
        actor=actor,
        action="export",
        obj=node,
        object_type=f"places.{node.kind}",
        changes={"rows": [0, count]},
        detail=f"{'unmasked' if reveal else 'masked'} {fmt}: {','.join(keys)}",
    )
    return target, count, reveal


def _write_csv(target, headers: list[str], rows) -> int:
    import csv

    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def _write_xlsx(target, headers: list[str], rows) -> int:
    from silin.workbooks.columns import BY_HEADER
    from silin.workbooks.xlsx import HEADER, SheetWriter

    sheet = SheetWriter(target, "登记表", widths=[BY_HEADER[h].width + 6 for h in headers])
    sheet.append(headers, dict.fromkeys(range(len(headers)), HEADER))
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    sheet.close()
    return count


# --- retention ------------------------------------------------------------------------------


def import_files_purge(cutoff, apply: bool) -> int:
    """Uploaded workbooks and error workbooks older than `cutoff` (they hold ID numbers in
    clear): the files are deleted and the preview emptied; the job stays as a record of
    who imported what (its counts and the file's SHA-256)."""
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
