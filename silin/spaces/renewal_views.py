"""Pages of renewal records: where the shared spaces came from (list, detail, create, edit).

Reads go through `selectors.renewals` (staff who run spaces or read their
figures, in their scope; 404 outside it); writes go through `services.renewals` and need
MANAGE_SPACES over the record's place (`spaces.add_renewal`, `spaces.manage_renewal`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silin.core.access import require_perm
from silin.core.forms import SilinForm, add_service_errors
from silin.lib.http import parse_uuid
from silin.places.models import Community, Compound
from silin.spaces import figures
from silin.spaces.models import RenewalRecord, Space
from silin.spaces.selectors.renewals import (
    renewal_communities,
    renewal_compounds,
    renewal_record_get,
    renewal_record_list,
    renewal_record_totals,
)
from silin.spaces.selectors.spaces import space_list_managed
from silin.spaces.services import renewals
from silin.spaces.services.renewals import RenewalData

PAGE_SIZE = 25


def _may_browse(actor) -> bool:
    """Staff who run spaces or read their figures somewhere (as `renewal_record_list`)."""
    return actor.has_perm("spaces.add_renewal") or figures.can_view_figures(actor)


def _may_manage(actor, record: RenewalRecord | None = None) -> bool:
    if record is None:
        return actor.has_perm("spaces.add_renewal")
    return actor.has_perm("spaces.manage_renewal", record)


class RenewalForm(SilinForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    community = forms.ModelChoiceField(
        label=gettext_lazy("Community"), queryset=Community.objects.none(), to_field_name="uuid"
    )
    compound = forms.ModelChoiceField(
        label=gettext_lazy("Compound"),
        queryset=Compound.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=gettext_lazy("— community level —"),
    )
    site_kind = forms.ChoiceField(
        label=gettext_lazy("Idle site"), choices=RenewalRecord.SiteKind.choices
    )
    project_kind = forms.ChoiceField(
        label=gettext_lazy("Project kind"), choices=RenewalRecord.ProjectKind.choices
    )
    description = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    started_on = forms.DateField(
        label=gettext_lazy("Started on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    finished_on = forms.DateField(
        label=gettext_lazy("Finished on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cost = forms.DecimalField(
        label=gettext_lazy("Cost (yuan)"),
        required=False,
        min_value=Decimal(0),
        decimal_places=2,
        max_digits=12,
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=RenewalRecord.Status.choices)
    space = forms.ModelChoiceField(
        label=gettext_lazy("Space it became"),
        queryset=Space.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=gettext_lazy("— not a space yet —"),
    )
    photo_before = forms.FileField(label=gettext_lazy("Photo before"), required=False)
    photo_after = forms.FileField(label=gettext_lazy("Photo after"), required=False)

    def __init__(self, *args, actor, instance: RenewalRecord | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "community": instance.community.uuid,
                "compound": instance.compound.uuid if instance.compound else None,
                "site_kind": instance.site_kind,
                "project_kind": instance.project_kind,
                "description": instance.description,
                "started_on": instance.started_on,
                "finished_on": instance.finished_on,
                "cost": instance.cost,
                "status": instance.status,
                "space": instance.space.uuid if instance.space else None,
            }
        super().__init__(*args, **kwargs)
        self.actor, self.instance = actor, instance
        choices: Any = self.fields  # model choices, within the actor's scope
        choices["community"].queryset = renewal_communities(actor=actor)
        choices["compound"].queryset = renewal_compounds(actor=actor)
        choices["compound"].label_from_instance = lambda c: f"{c.community.name} · {c.name}"
        choices["space"].queryset = space_list_managed(actor=actor)
        choices["space"].label_from_instance = lambda s: f"{s.community.name} · {s.name}"
        for name in ("photo_before", "photo_after"):
            self.fields[name].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
            if instance is not None and getattr(instance, name):
                self.fields[name].help_text = _(
                    "A photo is already kept; choose a file to replace it."
                )
        self.apply_bootstrap()

    def save(self) -> RenewalRecord | None:
        """Through the services; their field errors land next to the fields."""
        data = RenewalData(**{k: v for k, v in self.cleaned_data.items()})
        data.description = data.description or ""
        try:
            if self.instance is None:
                return renewals.renewal_create(actor=self.actor, data=data)
            return renewals.renewal_update(actor=self.actor, record=self.instance, data=data)
        except ValidationError as exc:
            add_service_errors(self, exc)
            return None


@login_required
def renewal_list(request):
    if not _may_browse(request.user):
        raise Http404
    records = renewal_record_list(actor=request.user)
    status = request.GET.get("status", "")
    if status in RenewalRecord.Status.values:
        records = records.filter(status=status)
    totals = renewal_record_totals(records)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": RenewalRecord.Status.choices,
        "totals": totals,
        "can_add": _may_manage(request.user),
        "query": f"status={status}" if status else "",
    }
    return render(request, "spaces/renewal_list.html", context)


@login_required
def renewal_detail(request, uuid):
    record = renewal_record_get(actor=request.user, uuid=uuid)
    can_edit = _may_manage(request.user, record)
    context = {
        "record": record,
        "can_edit": can_edit,
        "space_url": (
            reverse("spaces:space-detail", args=[record.space.uuid]) if record.space else None
        ),
        "open_spaces": space_list_managed(actor=request.user, community=record.community)
        if can_edit and record.space_id is None
        else [],
    }
    return render(request, "spaces/renewal_detail.html", context)


def _form_view(request, *, instance: RenewalRecord | None):
    form = RenewalForm(
        request.POST or None, request.FILES or None, actor=request.user, instance=instance
    )
    if request.method == "POST" and form.is_valid():
        record = form.save()
        if record is not None:
            messages.success(request, _("Saved."))
            return redirect("spaces:renewal-detail", uuid=record.uuid)
    status = 400 if form.is_bound else 200
    context = {"form": form, "record": instance}
    return render(request, "spaces/renewal_form.html", context, status=status)


@login_required
def renewal_create(request):
    require_perm(request.user, "spaces.add_renewal")
    return _form_view(request, instance=None)


@login_required
def renewal_edit(request, uuid):
    record = renewal_record_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.manage_renewal", record)
    return _form_view(request, instance=record)


@login_required
@require_POST
def renewal_open(request, uuid):
    record = renewal_record_get(actor=request.user, uuid=uuid)
    require_perm(request.user, "spaces.manage_renewal", record)
    space = _chosen_space(request, record)
    if space is None:
        messages.error(request, _("Please choose the space this renewal became."))
        return redirect("spaces:renewal-detail", uuid=record.uuid)
    try:
        renewals.renewal_open_as_space(actor=request.user, record=record, space=space)
        messages.success(
            request, _("Recorded: this renewal became %(space)s.") % {"space": space.name}
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    return redirect("spaces:renewal-detail", uuid=record.uuid)


def _chosen_space(request, record: RenewalRecord) -> Space | None:
    wanted = parse_uuid(request.POST.get("space"))
    if wanted is None:
        return None
    managed = space_list_managed(actor=request.user, community=record.community)
    return managed.filter(uuid=wanted).first()
