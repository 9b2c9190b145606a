"""Pages of the register: list and search, detail, create and edit, reveal, consent, guardians."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Field
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.core import home, personal_data
from silin.core.access import require_perm
from silin.core.forms import add_service_errors
from silin.core.paging import KeysFirstPaginator
from silin.lib import masking
from silin.people import personal_data_files, selectors
from silin.people.forms import (
    ConsentForm,
    CorrectionDeclineForm,
    CorrectionFilterForm,
    CorrectionRequestForm,
    GuardianForm,
    ResidentForm,
)
from silin.people.models import ADULT_AGE, CorrectionRequest, Resident
from silin.people.selectors import ResidentFilters
from silin.people.services import anonymisation, consents, corrections, residents

PAGE_SIZE = 25


@login_required
def resident_list(request):
    require_perm(request.user, "people.browse_register")
    filters = ResidentFilters(
        **{k: request.GET.get(k, "") for k in ResidentFilters.__dataclass_fields__}
    )
    found = selectors.resident_list(actor=request.user, filters=filters)
    page = KeysFirstPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": selectors.resident_rows(page.object_list),
        "filters": filters,
        "query": query.urlencode(),
        "choices": selectors.resident_filter_choices(actor=request.user, filters=filters),
        "statuses": Resident.Status.choices,
        "can_add": request.user.has_perm("people.add_resident"),
    }
    if request.htmx and request.htmx.target == "register-results":
        return render(request, "people/_resident_results.html", context)
    if request.htmx and request.htmx.target == "register-filters":
        return render(request, "people/_resident_filters.html", context)
    return render(request, "people/resident_list.html", context)


@login_required
def resident_detail(request, uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    return render(request, "people/resident_detail.html", _detail_context(request, resident))


def _detail_context(request, resident: Resident, **extra) -> dict:
    user = request.user
    can_edit = user.has_perm("people.change_resident", resident)
    context = {
        "resident": resident,
        **selectors.resident_detail_related(resident=resident),
        "can_edit": can_edit,
        "can_reveal": user.has_perm("people.reveal_resident", resident),
        "can_view_household": user.has_perm("places.view_household", resident.household),
        "is_minor": resident.age < ADULT_AGE,
        "can_anonymise": resident.status != Resident.Status.LIVING
        and resident.anonymised_at is None
        and user.has_perm("people.anonymise_resident", resident),
        # What other apps hold on the resident (bookings ...), through core.home.
        "sections": home.resident_sections_for(user, resident),
    }
    if can_edit:
        context.setdefault("consent_form", ConsentForm(resident=resident))
        if context["is_minor"]:
            context["guardian_form"] = GuardianForm(actor=user, minor=resident)
    context.update(extra)
    return context


@login_required
@require_POST
def resident_reveal(request, uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    field = request.POST.get("field", "")
    if field not in {"id_number", "mobile"}:
        raise Http404
    try:
        value = residents.resident_reveal(actor=request.user, resident=resident, field=field)
    except PermissionDenied as exc:
        raise Http404 from exc
    return render(request, "people/_revealed.html", {"value": value, "field": field})


def _resident_form_view(request, *, instance: Resident | None):
    initial = {}
    if instance is None and request.GET.get("household"):
        initial["household"] = request.GET["household"]
    form = ResidentForm(
        request.POST or None,
        actor=request.user,
        instance=instance,
        initial=initial,
        building=request.GET.get("building", ""),
    )
    if request.method == "POST" and form.is_valid():
        resident = form.save()
        if resident is not None:
            messages.success(request, _("Saved."))
            return redirect("people:resident-detail", uuid=resident.uuid)
    status = 400 if form.is_bound else 200
    context = {"form": form, "resident": instance}
    if request.htmx and request.htmx.target == "household-field":
        return render(request, "people/_household_field.html", context)
    return render(request, "people/resident_form.html", context, status=status)


@login_required
def resident_create(request):
    require_perm(request.user, "people.add_resident")
    return _resident_form_view(request, instance=None)


@login_required
def resident_edit(request, uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "people.change_resident", resident)
    return _resident_form_view(request, instance=resident)


@login_required
@require_POST
def consent_grant(request, uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "people.change_resident", resident)
    form = ConsentForm(request.POST, resident=resident)
    if form.is_valid():
        try:
            consents.consent_grant(
                actor=request.user,
                resident=resident,
                purpose=form.cleaned_data["purpose"],
                given_by=form.cleaned_data.get("given_by"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        context = _detail_context(request, resident, consent_form=form)
        return render(request, "people/resident_detail.html", context, status=400)
    messages.success(request, _("Consent recorded."))
    return redirect("people:resident-detail", uuid=resident.uuid)


@login_required
@require_POST
def consent_withdraw(request, uuid, consent_uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "people.change_resident", resident)
    consent = selectors.consent_get(resident=resident, uuid=consent_uuid)
    consents.consent_withdraw(actor=request.user, consent=consent)
    messages.success(request, _("Consent withdrawn."))
    return redirect("people:resident-detail", uuid=resident.uuid)


@login_required
@require_POST
def guardian_add(request, uuid):
    minor = selectors.resident_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "people.change_resident", minor)
    form = GuardianForm(request.POST, actor=request.user, minor=minor)
    if form.is_valid():
        try:
            residents.guardian_add(
                actor=request.user,
                minor=minor,
                guardian=form.cleaned_data["guardian"],
                relation=form.cleaned_data["relation"],
            )
            messages.success(request, _("Guardian added."))
            return redirect("people:resident-detail", uuid=minor.uuid)
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = _detail_context(request, minor, guardian_form=form)
    return render(request, "people/resident_detail.html", context, status=400)


# --- residents' rights (PIPL) --------------------------------------------------------------

DOWNLOADS = {
    "json": ("application/json; charset=utf-8", personal_data_files.as_json),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        personal_data_files.as_xlsx,
    ),
}


@login_required
def my_data(request):
    """Everything held on the signed-in person; their own ID and mobile shown, and logged."""
    subject, sections = selectors.my_data_for(actor=request.user)
    residents.personal_data_access_record(
        actor=request.user, resident=subject.resident, kind="view"
    )
    context = {
        "subject": subject,
        # The newest few of each section; the downloads hold everything.
        "sections": [
            {
                "section": s,
                "shown": s.records[: personal_data.SHOWN],
                "hidden": max(0, len(s.records) - personal_data.SHOWN),
            }
            for s in sections
        ],
        "can_request_correction": request.user.has_perm("people.request_correction"),
    }
    return render(request, "people/my_data.html", context)


@login_required
def my_data_download(request, fmt: str):
    if fmt not in DOWNLOADS:
        raise Http404
    content_type, build = DOWNLOADS[fmt]
    subject, sections = selectors.my_data_for(actor=request.user)
    body = build(personal_data.as_export(sections))
    residents.personal_data_access_record(actor=request.user, resident=subject.resident, kind=fmt)
    response = HttpResponse(body, content_type=content_type)
    filename = f"silin-my-data-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def my_consent_withdraw(request, uuid):
    """A confirmation page (no pop-up, for 长辈版), then the withdrawal."""
    consent = selectors.my_consent_get(actor=request.user, uuid=uuid)
    if request.method == "POST":
        consents.consent_withdraw_by_resident(actor=request.user, consent=consent)
        messages.success(
            request,
            _("Consent withdrawn: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
        )
        return redirect(reverse("people:my-data") + "#section-people-consents")
    return render(request, "people/my_consent_withdraw.html", {"consent": consent})


@login_required
def correction_request_create(request):
    require_perm(request.user, "people.request_correction")
    form = CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            corrections.correction_request_create(
                actor=request.user,
                field=form.cleaned_data["field"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Your request is sent. Your community will look at it soon.")
            )
            return redirect(reverse("people:my-data") + "#section-people-corrections")
    status = 400 if form.is_bound else 200
    return render(request, "people/correction_form.html", {"form": form}, status=status)


@login_required
def correction_list(request):
    require_perm(request.user, "people.browse_corrections")
    communities = list(selectors.correction_communities(actor=request.user))
    data = request.GET.copy()
    data.setdefault("status", CorrectionRequest.Status.OPEN)
    form = CorrectionFilterForm(data, communities=communities)
    form.is_valid()
    filters = selectors.CorrectionFilters(
        **{k: form.cleaned_data.get(k, "") for k in ("status", "field", "community")}
    )
    requests = selectors.correction_request_list(actor=request.user, filters=filters)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "people/correction_list.html", context)


def _correction_context(request, correction, **extra) -> dict:
    """The current and requested values; ID and mobile numbers masked unless the worker
    may reveal them (and then the reveal is logged)."""
    current, requested = _current_value(correction), correction.requested_value
    sensitive = correction.field in {"id_number", "mobile"}
    revealed = sensitive and request.user.has_perm("people.reveal_resident", correction.resident)
    if revealed:
        corrections.correction_request_reveal(actor=request.user, request=correction)
    elif sensitive:
        mask = masking.mask_id_number if correction.field == "id_number" else masking.mask_mobile
        current, requested = mask(current), mask(requested)
    if correction.field in corrections.CORRECTABLE_CHOICES:
        model_field = Resident._meta.get_field(correction.field)
        if isinstance(model_field, Field):
            requested = dict(model_field.flatchoices).get(requested, requested)
    return {
        "correction": correction,
        "current_value": current,
        "requested_value": requested,
        "decline_form": extra.pop("decline_form", None) or CorrectionDeclineForm(),
        **extra,
    }


def _current_value(correction) -> str:
    resident = correction.resident
    if correction.field in corrections.CORRECTABLE_CHOICES:
        return getattr(resident, f"get_{correction.field}_display")()
    return personal_data.display(getattr(resident, correction.field))


@login_required
def correction_detail(request, uuid):
    correction = selectors.correction_request_get(actor=request.user, uuid=uuid)
    context = _correction_context(request, correction)
    return render(request, "people/correction_detail.html", context)


@login_required
@require_POST
def correction_apply(request, uuid):
    correction = selectors.correction_request_get(actor=request.user, uuid=uuid)
    try:
        corrections.correction_request_apply(actor=request.user, request=correction)
    except ValidationError as exc:
        context = _correction_context(request, correction, apply_errors=exc.messages)
        return render(request, "people/correction_detail.html", context, status=400)
    messages.success(request, _("The record is corrected and the resident is told."))
    return redirect("people:correction-list")


@login_required
@require_POST
def correction_decline(request, uuid):
    correction = selectors.correction_request_get(actor=request.user, uuid=uuid)
    form = CorrectionDeclineForm(request.POST)
    if form.is_valid():
        try:
            corrections.correction_request_decline(
                actor=request.user, request=correction, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The request is declined and the resident is told."))
            return redirect("people:correction-list")
    context = _correction_context(request, correction, decline_form=form)
    return render(request, "people/correction_detail.html", context, status=400)


@login_required
def anonymisation_list(request):
    require_perm(request.user, "people.browse_anonymisation")
    due = selectors.residents_due_for_anonymisation(actor=request.user)
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "retention_days": settings.SILIN_RESIDENT_RETENTION_DAYS}
    return render(request, "people/anonymisation_list.html", context)


@login_required
def resident_anonymise(request, uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "people.anonymise_resident", resident)
    error = None
    if request.method == "POST":
        try:
            anonymisation.resident_anonymise(actor=request.user, resident=resident)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The resident is anonymised."))
            return redirect("people:anonymisation-list")
    context = {
        "resident": resident,
        "due": anonymisation.anonymisation_due_on(resident),
        "error": error,
        "erased": anonymisation.ERASED_FIELDS,
    }
    return render(request, "people/resident_anonymise.html", context, status=400 if error else 200)
