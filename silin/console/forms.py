from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from silin.core.models import AuditEntry
from silin.places.models import Community


def object_type_label(label_lower: str) -> str:
    """ "people.resident" as the reader's word for it ("居民"); the code if no model has it."""
    try:
        model = apps.get_model(label_lower)
    except (LookupError, ValueError):
        return label_lower
    return str(model._meta.verbose_name).capitalize()


class AuditFilterForm(forms.Form):
    """Filters of the audit log; every field is optional and bad values are reported."""

    actor = forms.CharField(label=_("Who"), required=False, max_length=120)
    action = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Any action")), *AuditEntry.Action.choices],
    )
    object_type = forms.ChoiceField(label=_("Kind of record"), required=False, choices=())
    community = forms.ChoiceField(label=_("Community"), required=False, choices=())
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        object_types: Iterable[str] = (),
        communities: Iterable[Community] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["object_type"]).choices = [
            ("", _("Any kind")),
            *sorted(((t, object_type_label(t)) for t in object_types if t), key=lambda c: c[1]),
        ]
        cast(forms.ChoiceField, self.fields["community"]).choices = [
            ("", _("Any community")),
            *((str(c.uuid), c.name) for c in communities),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data
