"""Pages of the import and export of the register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.core.access import require_perm
from silin.core.forms import add_service_errors
from silin.people.models import Tag
from silin.workbooks import messages as catalogue
from silin.workbooks import selectors, services
from silin.workbooks.columns import BY_KEY
from silin.workbooks.errorbook import template_workbook
from silin.workbooks.forms import ExportForm, UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _home(request, *, upload_form=None, export_form=None, status=200):
    user = request.user
    can_import = user.has_perm("workbooks.import_register")
    context = {
        "can_import": can_import,
        "upload_form": upload_form or (UploadForm() if can_import else None),
        "export_form": export_form or ExportForm(actor=user),
        "jobs": selectors.import_job_list(actor=user)[:10] if can_import else [],
    }
    return render(request, "workbooks/home.html", context, status=status)


@login_required
def workbook_home(request):
    require_perm(request.user, "workbooks.export_register")
    return _home(request)


@login_required
def template_download(request):
    require_perm(request.user, "workbooks.import_register")
    content = template_workbook(list(Tag.objects.all()))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="register-template.xlsx"'
    return response


@login_required
@require_POST
def import_create(request):
    require_perm(request.user, "workbooks.import_register")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _home(request, upload_form=form, status=400)
    try:
        job = services.import_upload(
            actor=request.user,
            upload=form.cleaned_data["file"],
            apply_when_checked=form.cleaned_data["apply_when_checked"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _home(request, upload_form=form, status=400)
    job.rows_total = form.rows_total
    job.save(update_fields=["rows_total"])
    services.import_start(job=job)
    return redirect("workbooks:import-detail", uuid=job.uuid)


@login_required
def import_detail(request, uuid):
    job = selectors.import_job_get(actor=request.user, uuid=uuid)
    preview = [
        {
            "row": item["row"],
            "name": item["name"],
            "changes": [
                (BY_KEY[k].header if k in BY_KEY else k, o, n) for k, o, n in item["changes"]
            ],
        }
        for item in job.report.get("preview", [])
    ]
    # Stored as codes and params by the check; worded here, in the reader's language.
    errors = [
        {**e, "header": BY_KEY[e["column"]].label if e["column"] in BY_KEY else ""}
        for e in catalogue.rendered_errors(job.report.get("errors", []))
    ]
    context = {"job": job, "preview": preview, "errors": errors}
    if request.htmx:
        return render(request, "workbooks/_job_status.html", context)
    return render(request, "workbooks/import_detail.html", context)


@login_required
@require_POST
def import_apply(request, uuid):
    job = selectors.import_job_get(actor=request.user, uuid=uuid)
    try:
        services.import_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("workbooks:import-detail", uuid=job.uuid)


@login_required
@require_POST
def import_cancel(request, uuid):
    job = selectors.import_job_get(actor=request.user, uuid=uuid)
    try:
        services.import_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("The import is cancelled; the register is unchanged."))
    return redirect("workbooks:import-detail", uuid=job.uuid)


@login_required
def import_errors(request, uuid):
    job = selectors.import_job_get(actor=request.user, uuid=uuid)
    if not job.error_file:
        raise Http404
    return FileResponse(
        job.error_file.open("rb"),
        as_attachment=True,
        filename=(job.error_file.name or "").rsplit("/", 1)[-1],
        content_type=XLSX,
    )


@login_required
@require_POST
def register_export(request):
    require_perm(request.user, "workbooks.export_register")
    form = ExportForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _home(request, export_form=form, status=400)
    data = form.cleaned_data
    target, _count, _revealed = services.register_export(
        actor=request.user,
        node=data["node"],
        keys=data["columns"],
        fmt=data["fmt"],
        reveal=data.get("reveal", False),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"register-{data['node'].kind}-{stamp}.{data['fmt']}"
    content_type = XLSX if data["fmt"] == "xlsx" else "text/csv; charset=utf-8"
    return FileResponse(target, as_attachment=True, filename=name, content_type=content_type)
