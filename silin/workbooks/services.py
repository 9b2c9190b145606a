"""Writes of the workbooks app: imports from upload to confirmation, and audited exports.

The passes over an import's file (check and apply) and the tasks that run them in the
background are in passes.py; this module starts them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.places.models import Community, Street
from silin.workbooks import selectors
from silin.workbooks.columns import BY_HEADER, BY_KEY, COLUMNS
from silin.workbooks.models import ImportJob
from silin.workbooks.passes import apply_import_task, check_import_task, import_apply, import_check
from silin.workbooks.reader import WorkbookError, open_register
from silin.workbooks.xlsx import HEADER, SheetWriter

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.workbooks.selectors import Node

S = ImportJob.State
MAX_UPLOAD_BYTES = 60 * 1024 * 1024
# Files up to this many rows are checked inside the request; larger ones by the task worker.
INLINE_ROWS = 2000


def _home_node(actor: User) -> tuple[Street | None, Community | None]:
    scope = scope_for(actor, Capability.IMPORT_REGISTER)
    if scope.community_ids:
        community = Community.objects.select_related("street").get(pk=min(scope.community_ids))
        return community.street, community
    if scope.street_ids:
        return Street.objects.get(pk=min(scope.street_ids)), None
    return None, None


def import_upload(*, actor: User, upload: File[Any], apply_when_checked: bool = False) -> ImportJob:
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
    try:
        with job.file.open("rb") as stream:
            sheet = open_register(stream)
            sheet.close()
            return sheet.total or 0
    except WorkbookError:
        return 0


def import_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """The worker confirms a checked import; the writing pass starts."""
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


def _refuse_cancel_while_sqlite_writes(job: ImportJob) -> None:
    if job.state == S.APPLYING and connection.vendor == "sqlite":
        # SQLite has one writer, held by the import until it ends (a minute at most).
        raise ValidationError(
            _("The register is being written; on this database it cannot be stopped now.")
        )


def import_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    """Stops an import: at once before it writes, else the writing pass rolls back.

    The new state and its audit entry are saved in one transaction, on the job as it is
    now (locked), not as the caller last read it.
    """
    # Before the transaction: on SQLite, beginning one waits for the import's write lock.
    _refuse_cancel_while_sqlite_writes(job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state in ImportJob.FINISHED:
            return job
        _refuse_cancel_while_sqlite_writes(job)
        if job.state in (S.UPLOADED, S.CHECKED):
            job.state = S.CANCELLED
            job.finished_at = timezone.now()
        job.cancel_requested = True
        job.save(update_fields=["state", "cancel_requested", "finished_at", "updated_at"])
        audit.record(actor=actor, action="update", obj=job, detail="import cancelled")
    return job


# --- export -------------------------------------------------------------------------------------


def register_export(
    *, actor: User, node: Node, keys: list[str], fmt: str, reveal: bool
) -> tuple[IO[bytes], int, bool]:
    """Writes the register below `node` to a temporary file; returns (file, rows, revealed).

    Personal details are unmasked only when asked for and the actor may reveal them over the
    whole node. Every export is logged with its row count; an unmasked one says so.
    """
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


def _write_csv(target: IO[bytes], headers: list[str], rows: Iterable[list[Any]]) -> int:
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


def _write_xlsx(target: IO[bytes], headers: list[str], rows: Iterable[list[Any]]) -> int:
    sheet = SheetWriter(target, "登记表", widths=[BY_HEADER[h].width + 6 for h in headers])
    sheet.append(headers, dict.fromkeys(range(len(headers)), HEADER))
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    sheet.close()
    return count
