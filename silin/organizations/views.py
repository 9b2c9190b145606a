"""Pages of social organisations: list, detail, create, edit, members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.core.access import require_perm
from silin.organizations import selectors, services
from silin.organizations.forms import OrganizationForm
from silin.organizations.models import Organization

PAGE_SIZE = 25


@login_required
def organization_list(request):
    require_perm(request.user, "organizations.browse_organizations")
    filters = {k: request.GET.get(k, "") for k in ("community", "kind", "field")}
    organizations = selectors.organization_list(actor=request.user, **filters)
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "communities": selectors.organization_filter_communities(actor=request.user),
        "kinds": Organization.Kind.choices,
        "fields": Organization.Field.choices,
        "can_add": request.user.has_perm("organizations.add_organization"),
    }
    if request.htmx and request.htmx.target == "organization-results":
        return render(request, "organizations/_organization_results.html", context)
    return render(request, "organizations/organization_list.html", context)


@login_required
def organization_detail(request, uuid):
    organization = selectors.organization_get(actor=request.user, uuid=uuid)
    context = {
        "organization": organization,
        "memberships": selectors.organization_members(organization=organization),
        "can_edit": request.user.has_perm("organizations.change_organization", organization),
    }
    return render(request, "organizations/organization_detail.html", context)


def _form_view(request, *, instance: Organization | None):
    form = OrganizationForm(request.POST or None, actor=request.user, instance=instance)
    if request.method == "POST" and form.is_valid():
        organization = form.save()
        if organization is not None:
            messages.success(request, _("Saved."))
            return redirect("organizations:organization-detail", uuid=organization.uuid)
    status = 400 if form.is_bound else 200
    context = {"form": form, "organization": instance}
    return render(request, "organizations/organization_form.html", context, status=status)


@login_required
def organization_create(request):
    require_perm(request.user, "organizations.add_organization")
    return _form_view(request, instance=None)


@login_required
def organization_edit(request, uuid):
    organization = selectors.organization_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "organizations.change_organization", organization)
    return _form_view(request, instance=organization)


@login_required
def member_search(request, uuid):
    organization = selectors.organization_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "organizations.change_organization", organization)
    candidates = selectors.member_candidates(
        actor=request.user, organization=organization, name=request.GET.get("q", "")
    )
    context = {"organization": organization, "candidates": candidates}
    return render(request, "organizations/_member_candidates.html", context)


@login_required
@require_POST
def member_add(request, uuid):
    organization = selectors.organization_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "organizations.change_organization", organization)
    resident = selectors.member_resident_get(actor=request.user, uuid=request.POST.get("resident"))
    try:
        services.membership_add(actor=request.user, organization=organization, resident=resident)
        messages.success(request, _("%(name)s joined.") % {"name": resident.name})
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    return redirect("organizations:organization-detail", uuid=organization.uuid)


@login_required
@require_POST
def member_remove(request, uuid):
    organization = selectors.organization_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "organizations.change_organization", organization)
    resident = selectors.member_resident_get(actor=request.user, uuid=request.POST.get("resident"))
    services.membership_remove(actor=request.user, organization=organization, resident=resident)
    messages.success(request, _("%(name)s left.") % {"name": resident.name})
    return redirect("organizations:organization-detail", uuid=organization.uuid)
