"""What every form in Silin shares: Bootstrap styling, clean text, and service errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from silin.lib.text import clean_text


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's {field: messages} next to the form's fields (else at the top)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class BootstrapMixin:
    """Bootstrap classes on every widget, and is-invalid on fields with errors."""

    fields: dict[str, forms.Field]
    errors: Any

    def apply_bootstrap(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if name in self.errors:
                css += " is-invalid"
                widget.attrs["aria-describedby"] = f"{name}-errors"
            widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.apply_bootstrap()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        self.apply_bootstrap()


class CleanTextMixin:
    """Every text field's value normalised (lib.text.clean_text) before it is validated.

    A text field whose widget is a Textarea keeps its line breaks; passwords are left as
    typed. A required field that held only invisible characters is then empty, and says so.
    """

    fields: dict[str, forms.Field]

    def _clean_fields(self) -> None:
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.PasswordInput)  # a password is as typed
                and not getattr(field, "_silin_clean", False)
            ):
                field.to_python = _cleaning(field)  # type: ignore[method-assign]
                field._silin_clean = True  # type: ignore[attr-defined]
        super()._clean_fields()  # type: ignore[misc]


def _cleaning(field: forms.CharField) -> Any:
    original = field.to_python
    multiline = isinstance(field.widget, forms.Textarea)

    def to_python(value: Any) -> Any:
        if isinstance(value, str):
            value = clean_text(value, multiline=multiline)
        return original(value)

    return to_python


class SilinForm(CleanTextMixin, BootstrapMixin, forms.Form):
    """The base of Silin's plain forms."""


class SilinModelForm(CleanTextMixin, BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The base of Silin's model forms."""
