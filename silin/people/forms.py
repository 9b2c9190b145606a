"""Forms of the register. Their checks are the services' checks (via ResidentData)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from silin.core.forms import SilinForm, add_service_errors
from silin.lib.http import parse_uuid
from silin.people import selectors
from silin.people.models import Consent, CorrectionRequest, Resident, Tag
from silin.people.services import corrections, residents
from silin.people.services.residents import ResidentData
from silin.places.models import Building, Household


class _ShownChoiceIterator(ModelChoiceIterator):
    """Iterates the households on show, not every household the field accepts."""

    def __init__(self, field: HouseholdChoiceField) -> None:
        super().__init__(field)
        self.queryset = field.shown_queryset


class HouseholdChoiceField(forms.ModelChoiceField[Household]):
    """Accepts any household the actor may use, but lists only one building's households.

    A community holds thousands of households: listing them all made the form megabytes
    long, so the page first asks for the building (see ResidentForm.building).
    """

    iterator = _ShownChoiceIterator
    shown_queryset: QuerySet[Household] = Household.objects.none()

    def label_from_instance(self, obj: Household) -> str:
        return obj.address_short


class BuildingChoiceField(forms.ModelChoiceField[Building]):
    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.compound.name} {obj}"


class TagChoiceField(forms.ModelMultipleChoiceField[Tag]):
    def label_from_instance(self, obj: Tag) -> str:
        if obj.sensitive:
            return format_html(
                '{} <span class="badge tag sensitive">{}</span>', obj.label, _("sensitive")
            )
        return obj.label


class ResidentForm(SilinForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Resident.Gender.choices)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=30,
        required=False,
        help_text=_("18 characters; leave empty if unknown."),
    )
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    building = BuildingChoiceField(
        label=_("Building"),
        queryset=None,
        to_field_name="uuid",
        required=False,
        help_text=_("Choose the building first; its households are then listed."),
    )
    household = HouseholdChoiceField(
        label=_("Household"),
        queryset=None,
        to_field_name="uuid",
        error_messages={"invalid_choice": _("This household is outside the area you look after.")},
    )
    relation = forms.ChoiceField(
        label=_("Relation to the head of household"), choices=Resident.Relation.choices
    )
    status = forms.ChoiceField(label=_("Status"), choices=Resident.Status.choices)
    tags = TagChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Sensitive tags (health, disability, welfare) need the resident's consent."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args, actor, instance: Resident | None = None, building: str = "", **kwargs
    ):
        self.actor = actor
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "name": instance.name,
                "gender": instance.gender,
                "birth_date": instance.birth_date,
                "household": instance.household,
                "relation": instance.relation,
                "status": instance.status,
                "tags": list(instance.tags.all()),
                "note": instance.note,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.households = selectors.household_options(actor=actor)
        self.household_field.queryset = self.households
        building_field = cast(BuildingChoiceField, self.fields["building"])
        building_field.queryset = selectors.building_options(actor=actor)
        # Choosing a building reloads the household list in place (people/_household_field).
        building_field.widget.attrs.update(
            {
                "hx-get": "",
                "hx-target": "#household-field",
                "hx-swap": "outerHTML",
                "hx-include": "this",
                "hx-trigger": "change",
            }
        )
        self._narrow_households(building)
        if instance is not None:
            # Editing never shows the stored numbers (not every editor may reveal them):
            # an empty box keeps what is held.
            for name, masked in (
                ("id_number", instance.id_number_masked),
                ("mobile", instance.mobile_masked),
            ):
                if masked:
                    self.fields[name].widget.attrs["placeholder"] = masked
                    self.fields[name].help_text = _("Leave empty to keep %(value)s.") % {
                        "value": masked
                    }
        self.data_object: ResidentData | None = None

    @property
    def household_field(self) -> HouseholdChoiceField:
        return cast(HouseholdChoiceField, self.fields["household"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        self.data_object = ResidentData(
            name=cleaned["name"],
            gender=cleaned["gender"],
            birth_date=cleaned["birth_date"],
            household=cleaned["household"],
            relation=cleaned["relation"],
            status=cleaned["status"],
            id_number=self._kept("id_number", cleaned),
            mobile=self._kept("mobile", cleaned),
            tags=list(cleaned.get("tags") or []),
            note=cleaned.get("note", ""),
        )
        try:
            residents.resident_validate(
                actor=self.actor, data=self.data_object, instance=self.instance
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned

    def _narrow_households(self, building: str) -> None:
        """Lists the households of the chosen building, or of the selected household's."""
        households = self.households
        chosen = self.data.get("building") if self.is_bound else building
        if not chosen:
            selected = self.data.get("household") if self.is_bound else None
            selected = selected or self.initial.get("household")
            if isinstance(selected, Household):
                selected = selected.uuid
            selected_uuid = parse_uuid(selected)
            found = households.filter(uuid=selected_uuid).first() if selected_uuid else None
            chosen = found.unit.building.uuid if found else None
        building_uuid = parse_uuid(chosen)
        if building_uuid is None:
            return
        self.initial.setdefault("building", building_uuid)
        field = self.household_field
        field.shown_queryset = households.filter(unit__building__uuid=building_uuid)
        field.widget.choices = field.choices  # the widget holds its own iterator

    def _kept(self, name: str, cleaned: dict[str, Any]) -> str:
        value = (cleaned.get(name) or "").strip()
        if not value and self.instance is not None:
            return getattr(self.instance, name)
        return value

    def save(self) -> Resident | None:
        """Saves through the services; on a late refusal adds the errors and returns None."""
        assert self.data_object is not None
        try:
            if self.instance is None:
                return residents.resident_create(actor=self.actor, data=self.data_object)
            return residents.resident_update(
                actor=self.actor, resident=self.instance, data=self.data_object
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
            self.apply_bootstrap()
            return None


class ConsentForm(SilinForm):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    given_by = forms.ModelChoiceField(
        label=_("Given by (guardian)"),
        queryset=Resident.objects.none(),
        to_field_name="uuid",
        required=False,
        help_text=_("Needed for a child under 14."),
    )

    def __init__(self, *args, resident: Resident, **kwargs):
        super().__init__(*args, **kwargs)
        guardians = Resident.objects.filter(wards__minor=resident)
        if resident.age >= 14 and not guardians.exists():
            del self.fields["given_by"]  # adults and older teenagers consent themselves
        else:
            cast(forms.ModelChoiceField[Resident], self.fields["given_by"]).queryset = guardians


class GuardianForm(SilinForm):
    guardian = forms.ModelChoiceField(
        label=_("Guardian in the same household"),
        queryset=Resident.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    guardian_id_number = forms.CharField(
        label=_("Or the guardian's ID card number"), max_length=30, required=False
    )
    relation = forms.CharField(label=_("Relation (e.g. mother)"), max_length=40)

    def __init__(self, *args, actor, minor: Resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        guardian = cast(forms.ModelChoiceField[Resident], self.fields["guardian"])
        guardian.queryset = selectors.guardian_candidates(actor=actor, minor=minor)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("guardian") or self.errors:
            return cleaned
        number = cleaned.get("guardian_id_number", "").strip()
        if not number:
            self.add_error("guardian", _("Choose a guardian or enter their ID card number."))
            return cleaned
        found = selectors.resident_find_by_id_number(actor=self.actor, id_number=number)
        if found is None:
            self.add_error(
                "guardian_id_number", _("Nobody in the register you can see has this ID number.")
            )
        cleaned["guardian"] = found
        return cleaned


def _choice_code(field: str, text: str) -> str:
    """The code of a gender or relation written as its label in any of our languages."""
    choices = corrections.CORRECTABLE_CHOICES.get(field)
    if choices is None:
        return text
    model_choices = Resident.Gender if field == "gender" else Resident.Relation
    wanted = text.strip().lower()
    for code, label in model_choices.choices:
        names = {code.lower()}
        for lang in ("zh-hans", "zh-hant", "en"):
            with translation.override(lang):
                names.add(str(label).lower())
        if wanted in names:
            return code
    return text


class CorrectionRequestForm(SilinForm):
    field = forms.ChoiceField(
        label=_("What is wrong"), choices=[("", "—"), *CorrectionRequest.Field.choices]
    )
    value = forms.CharField(
        label=_("What it should say"),
        max_length=100,
        help_text=_(
            "Dates as year-month-day, e.g. 1946-03-12. For gender or relation write the word, "
            "e.g. 女 or 配偶."
        ),
    )
    note = forms.CharField(
        label=_("Note for the community (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "field" in cleaned and "value" in cleaned:
            cleaned["value"] = _choice_code(cleaned["field"], cleaned["value"])
        return cleaned


class CorrectionDeclineForm(SilinForm):
    reason = forms.CharField(
        label=_("Why the record stays as it is (the resident reads this)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionFilterForm(SilinForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *CorrectionRequest.Status.choices],
    )
    field = forms.ChoiceField(
        label=_("Field"),
        required=False,
        choices=[("", _("All")), *CorrectionRequest.Field.choices],
    )
    community = forms.ChoiceField(label=_("Community"), required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["community"]).choices = [("", _("All"))] + [
            (str(c.uuid), c.name) for c in communities
        ]
