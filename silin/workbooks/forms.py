"""Forms of the import and export page."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from silin.core.forms import CleanTextMixin
from silin.workbooks import selectors
from silin.workbooks.columns import COLUMNS
from silin.workbooks.reader import WorkbookError, open_register


class UploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label=_("Register workbook (.xlsx)"),
        help_text=_("Use the template: one row per resident, the headers in the first row."),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )
    apply_when_checked = forms.BooleanField(
        label=_("Write to the register at once if the check finds no error (no preview)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Problems with the file as a whole are answered here, before any job exists.
        try:
            sheet = open_register(upload)
        except WorkbookError as exc:
            raise forms.ValidationError(exc.message) from exc
        self.rows_total = sheet.total or 0
        sheet.close()
        upload.seek(0)
        return upload


class ExportForm(CleanTextMixin, forms.Form):
    node = forms.ChoiceField(
        label=_("Part of the register"),
        error_messages={"invalid_choice": _("This part of the register is not in your area.")},
    )
    columns = forms.MultipleChoiceField(
        label=_("Optional columns"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    fmt = forms.ChoiceField(
        label=_("File type"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV (UTF-8, opens in Excel)"))],
        initial="xlsx",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reveal = forms.BooleanField(
        label=_("Include full ID and mobile numbers and sensitive tags (logged)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.nodes = selectors.export_nodes(actor=actor)
        node = cast(forms.ChoiceField, self.fields["node"])
        node.choices = [(n.value, n.label) for n in self.nodes]
        node.widget.attrs["class"] = "form-select"
        optional = [(col.key, col.label) for col in COLUMNS if not col.required]
        columns = cast(forms.MultipleChoiceField, self.fields["columns"])
        columns.choices = optional
        columns.initial = [key for key, _label in optional]
        self.can_reveal = any(selectors.may_reveal(actor=actor, node=n) for n in self.nodes)
        if not self.can_reveal:
            del self.fields["reveal"]

    def clean_node(self):
        return selectors.export_node_get(actor=self.actor, value=self.cleaned_data["node"])
