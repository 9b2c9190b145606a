"""Pages of the register: list and search, detail, create and edit, reveal, consent, guardians."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.core.paging import KeysFirstPaginator
from silin.people import selectors, services
from silin.people.forms import ConsentForm, GuardianForm, ResidentForm
from silin.people.models import Resident
from silin.people.selectors import ResidentFilters

PAGE_SIZE = 25


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise Http404


@login_required
def resident_list(request):
    _require(request, "people.browse_register")
    filters = ResidentFilters(
        **{k: request.GET.get(k, "") for k in ResidentFilters.__dataclass_fields__}
    )
    residents = selectors.resident_list(actor=request.user, filters=filters)
    page = KeysFirstPaginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
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
        "is_minor": resident.age < services.ADULT_AGE,
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
        value = services.resident_reveal(actor=request.user, resident=resident, field=field)
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
    _require(request, "people.add_resident")
    return _resident_form_view(request, instance=None)


@login_required
def resident_edit(request, uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    _require(request, "people.change_resident", resident)
    return _resident_form_view(request, instance=resident)


@login_required
@require_POST
def consent_grant(request, uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    _require(request, "people.change_resident", resident)
    form = ConsentForm(request.POST, resident=resident)
    if form.is_valid():
        try:
            services.consent_grant(
                actor=request.user,
                resident=resident,
                purpose=form.cleaned_data["purpose"],
                given_by=form.cleaned_data.get("given_by"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            form.apply_bootstrap()
    if form.errors:
        context = _detail_context(request, resident, consent_form=form)
        return render(request, "people/resident_detail.html", context, status=400)
    messages.success(request, _("Consent recorded."))
    return redirect("people:resident-detail", uuid=resident.uuid)


@login_required
@require_POST
def consent_withdraw(request, uuid, consent_uuid):
    resident = selectors.resident_get(actor=request.user, uuid=uuid)
    _require(request, "people.change_resident", resident)
    consent = selectors.consent_get(actor=request.user, resident=resident, uuid=consent_uuid)
    services.consent_withdraw(actor=request.user, consent=consent)
    messages.success(request, _("Consent withdrawn."))
    return redirect("people:resident-detail", uuid=resident.uuid)


@login_required
@require_POST
def guardian_add(request, uuid):
    minor = selectors.resident_get(actor=request.user, uuid=uuid)
    _require(request, "people.change_resident", minor)
    form = GuardianForm(request.POST, actor=request.user, minor=minor)
    if form.is_valid():
        try:
            services.guardian_add(
                actor=request.user,
                minor=minor,
                guardian=form.cleaned_data["guardian"],
                relation=form.cleaned_data["relation"],
            )
            messages.success(request, _("Guardian added."))
            return redirect("people:resident-detail", uuid=minor.uuid)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            form.apply_bootstrap()
    context = _detail_context(request, minor, guardian_form=form)
    return render(request, "people/resident_detail.html", context, status=400)
