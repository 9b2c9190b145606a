from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from silin.core.forms import SilinForm, add_service_errors
from silin.organizations import selectors, services
from silin.organizations.models import Organization
from silin.organizations.services import OrganizationData
from silin.people.models import Resident
from silin.places.models import Community


class LeaderChoiceField(forms.ModelChoiceField[Resident]):
    def label_from_instance(self, obj: Resident) -> str:
        return obj.name


class OrganizationForm(SilinForm):
    name = forms.CharField(label=_("Organisation name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)
    field = forms.ChoiceField(label=_("Field"), choices=Organization.Field.choices)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        to_field_name="uuid",
        error_messages={"invalid_choice": _("This community is outside the area you look after.")},
    )
    leader = LeaderChoiceField(
        label=_("Leader"),
        queryset=Resident.objects.none(),
        to_field_name="uuid",
        required=False,
        help_text=_("Chosen from the members; add members first."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    founded_on = forms.DateField(
        label=_("Founded on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor, instance: Organization | None = None, **kwargs):
        self.actor = actor
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "name": instance.name,
                "kind": instance.kind,
                "field": instance.field,
                "community": instance.community,
                "leader": instance.leader,
                "contact_name": instance.contact_name,
                "contact_phone": instance.contact_phone,
                "founded_on": instance.founded_on,
                "description": instance.description,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        community = cast(forms.ModelChoiceField[Community], self.fields["community"])
        community.queryset = selectors.organization_community_choices(actor=actor)
        if instance is not None:
            leader = cast(LeaderChoiceField, self.fields["leader"])
            leader.queryset = instance.members.select_related("household")
        else:
            del self.fields["leader"]
        self.data_object: OrganizationData | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        self.data_object = OrganizationData(
            name=cleaned["name"],
            kind=cleaned["kind"],
            field=cleaned["field"],
            community=cleaned["community"],
            leader=cleaned.get("leader"),
            contact_name=cleaned.get("contact_name", ""),
            contact_phone=cleaned.get("contact_phone", ""),
            description=cleaned.get("description", ""),
            founded_on=cleaned.get("founded_on"),
        )
        try:
            services.organization_validate(
                actor=self.actor, data=self.data_object, instance=self.instance
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned

    def save(self) -> Organization | None:
        assert self.data_object is not None
        try:
            if self.instance is None:
                return services.organization_create(actor=self.actor, data=self.data_object)
            return services.organization_update(
                actor=self.actor, organization=self.instance, data=self.data_object
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
            self.apply_bootstrap()
            return None
