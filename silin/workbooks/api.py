"""The workbooks endpoints: the template, imports followed as jobs, and exports.

An import is uploaded, checked (the dry run), then applied when the client confirms it,
exactly as on the page; large files are checked and written by the task worker, so the
client polls the job until `state` is no longer uploaded, checking or applying.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from silin.core.api.errors import error_responses
from silin.core.api.pagination import PageNumberPagination
from silin.people.models import Tag
from silin.workbooks import messages, selectors, services
from silin.workbooks.columns import COLUMNS
from silin.workbooks.errorbook import template_workbook
from silin.workbooks.models import ImportJob
from silin.workbooks.reader import WorkbookError, open_register

router = Router(tags=["workbooks"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
if TYPE_CHECKING:  # the type checker cannot read a Literal built from the columns and states
    ColumnKey = str
    JobState = str
else:  # ninja validates against, and documents, the values themselves
    ColumnKey = Literal[tuple(c.key for c in COLUMNS if not c.required)]
    JobState = Literal[tuple(ImportJob.State.values)]


class RowError(Schema):
    row: int
    column: str
    code: str = Field(description="What is wrong, as a stable code (e.g. `cell.required`).")
    params: dict[str, Any] = Field(description="The code's details (numbers, names, keys).")
    message: str = Field(description="The code and its params in the request's language.")


class FieldChange(Schema):
    field: str
    old: str
    new: str


class UpdatePreview(Schema):
    row: int
    name: str
    changes: list[FieldChange]


class ImportJobOut(Schema):
    uuid: UUID
    filename: str
    state: JobState
    created_at: dt.datetime
    finished_at: dt.datetime | None
    rows_total: int
    rows_checked: int
    rows_written: int
    error_count: int
    to_create: int
    to_update: int
    unchanged: int
    households_to_create: int
    message: str = Field(
        description="Why the file as a whole could not be imported, in the request's language."
    )
    message_code: str = Field(
        description="The same problem as a stable code (e.g. `file.no_rows`); empty if none."
    )
    message_params: dict[str, Any] = Field(description="The code's details (numbers, names).")
    errors: list[RowError] = Field(description="The first 300 errors.")
    preview: list[UpdatePreview] = Field(
        description="Field-by-field changes of the first 200 residents updated (masked)."
    )
    error_workbook: bool = Field(description="GET …/errors answers the marked-up workbook.")

    @staticmethod
    def resolve_errors(obj: ImportJob) -> list[dict]:
        # Stored as codes by the check (in the worker's language); worded for this request.
        return messages.rendered_errors(obj.report.get("errors", []))

    @staticmethod
    def resolve_preview(obj: ImportJob) -> list[dict]:
        return [
            {
                "row": p["row"],
                "name": p["name"],
                "changes": [{"field": f, "old": o, "new": n} for f, o, n in p["changes"]],
            }
            for p in obj.report.get("preview", [])
        ]

    @staticmethod
    def resolve_error_workbook(obj: ImportJob) -> bool:
        return bool(obj.error_file)


class ExportIn(Schema):
    node: str = Field(
        max_length=60,
        description='"street:<uuid>", "community:<uuid>" or "compound:<uuid>".',
    )
    columns: list[ColumnKey] = Field(
        default_factory=lambda: [c.key for c in COLUMNS if not c.required],
        description="Optional columns; the place, name, gender and date of birth always come.",
    )
    format: Literal["xlsx", "csv"] = "xlsx"
    reveal: bool = Field(
        False, description="Unmasked ID, mobile and sensitive tags, if your role allows (logged)."
    )

    model_config = {"extra": "forbid"}


@router.get(
    "/workbooks/template",
    response={200: None, **error_responses(403)},
    summary="The register workbook template (.xlsx)",
)
def template(request):
    if not request.auth.has_perm("workbooks.import_register"):
        raise PermissionDenied
    response = HttpResponse(template_workbook(list(Tag.objects.all())), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="register-template.xlsx"'
    return response


@router.post(
    "/workbooks/imports",
    response={201: ImportJobOut, **error_responses(403, 422)},
    summary="Upload a register workbook and check it",
    description=(
        "Every row is checked; nothing is written until POST …/apply (or at once when "
        "`apply_when_checked` is true and the check finds no error). A file that cannot be "
        "read at all answers 422 with the reason under `fields.file`."
    ),
)
def import_create(request, file: File[UploadedFile], apply_when_checked: Form[bool] = False):
    actor = request.auth
    if not actor.has_perm("workbooks.import_register"):
        raise PermissionDenied
    try:
        sheet = open_register(file)
    except WorkbookError as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    rows = sheet.total or 0
    sheet.close()
    file.seek(0)
    job = services.import_upload(actor=actor, upload=file, apply_when_checked=apply_when_checked)
    job.rows_total = rows
    job.save(update_fields=["rows_total"])
    services.import_start(job=job)
    return Status(201, job)


@router.get(
    "/workbooks/imports",
    response={200: list[ImportJobOut], **error_responses(403)},
    summary="Imports in my area, newest first",
)
@paginate(PageNumberPagination)
def import_list(request):
    if not request.auth.has_perm("workbooks.import_register"):
        raise PermissionDenied
    return selectors.import_job_list(actor=request.auth)


@router.get(
    "/workbooks/imports/{uuid:job_uuid}",
    response={200: ImportJobOut, **error_responses(404)},
    summary="One import: its state, counts, errors and preview",
)
def import_detail(request, job_uuid: UUID):
    return selectors.import_job_get(actor=request.auth, uuid=job_uuid)


@router.post(
    "/workbooks/imports/{uuid:job_uuid}/apply",
    response={200: ImportJobOut, **error_responses(404, 422)},
    summary="Confirm a checked import: write it, all or nothing",
)
def import_apply(request, job_uuid: UUID):
    job = selectors.import_job_get(actor=request.auth, uuid=job_uuid)
    job = services.import_confirm(actor=request.auth, job=job)
    job.refresh_from_db()
    return job


@router.post(
    "/workbooks/imports/{uuid:job_uuid}/cancel",
    response={200: ImportJobOut, **error_responses(404, 422)},
    summary="Cancel an import; the register stays as it was",
)
def import_cancel(request, job_uuid: UUID):
    job = selectors.import_job_get(actor=request.auth, uuid=job_uuid)
    job = services.import_cancel(actor=request.auth, job=job)
    job.refresh_from_db()
    return job


@router.get(
    "/workbooks/imports/{uuid:job_uuid}/errors",
    response={200: None, **error_responses(404)},
    summary="The uploaded workbook with an error column and the bad cells in red",
)
def import_errors(request, job_uuid: UUID):
    job = selectors.import_job_get(actor=request.auth, uuid=job_uuid)
    if not job.error_file:
        raise Http404
    name = (job.error_file.name or "").rsplit("/", 1)[-1]
    return FileResponse(
        job.error_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX
    )


@router.post(
    "/workbooks/exports",
    response={200: None, **error_responses(403, 404, 422)},
    summary="Export the register below a node as .xlsx or CSV (UTF-8 with BOM)",
    description=(
        "ID and mobile numbers and sensitive tags are masked unless `reveal` is true and "
        "your role may reveal them over the whole node; every export is logged with its "
        "row count. The header `X-Silin-Revealed` says whether the file is unmasked."
    ),
)
def export(request, payload: ExportIn):
    actor = request.auth
    if not actor.has_perm("workbooks.export_register"):
        raise PermissionDenied
    node = selectors.export_node_get(actor=actor, value=payload.node)
    target, count, revealed = services.register_export(
        actor=actor,
        node=node,
        keys=list(payload.columns),
        fmt=payload.format,
        reveal=payload.reveal,
    )
    content_type = XLSX if payload.format == "xlsx" else "text/csv; charset=utf-8"
    response = FileResponse(
        target, as_attachment=True, filename=f"register.{payload.format}", content_type=content_type
    )
    response["X-Silin-Rows"] = str(count)
    response["X-Silin-Revealed"] = "true" if revealed else "false"
    return response
