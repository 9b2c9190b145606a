"""What every form in Silin shares: Bootstrap styling, clean text, and service errors."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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


# Silin's own words for the common refusals, in place of Django's generic sentences
# ("Ensure this value has at most 200 characters"): say what to do, in plain words.
FIELD_MESSAGES: dict[type[forms.Field], dict[str, Any]] = {
    forms.Field: {"required": _("Please fill this in.")},
    forms.IntegerField: {"invalid": _("Please enter a whole number, such as 12.")},
    forms.DecimalField: {"invalid": _("Please enter a number, such as 12.5.")},
    forms.DateField: {"invalid": _("Please enter a date, such as 2026-12-01.")},
    forms.DateTimeField: {"invalid": _("Please enter a date and time, such as 2026-12-01 09:30.")},
    forms.TimeField: {"invalid": _("Please enter a time, such as 09:30.")},
    forms.ChoiceField: {"invalid_choice": _("Please choose one of the options offered.")},
    forms.MultipleChoiceField: {"invalid_choice": _("Please choose among the options offered.")},
}
VALIDATOR_MESSAGES: dict[type[validators.BaseValidator], Any] = {
    validators.MaxLengthValidator: _(
        "Please keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."
    ),
    validators.MinLengthValidator: _(
        "Please write at least %(limit_value)d characters (it has %(show_value)d)."
    ),
    validators.MaxValueValidator: _("Please enter %(limit_value)s or less."),
    validators.MinValueValidator: _("Please enter %(limit_value)s or more."),
}


class PlainMessagesMixin:
    """Silin's own messages for the common validators, unless a field sets its own."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _plain_messages(field)


def _plain_messages(field: forms.Field) -> None:
    defaults = _default_messages(type(field))
    for kind, message in defaults.items():
        if kind not in field.error_messages or _is_django_default(field, kind):
            field.error_messages[kind] = message
    for i, validator in enumerate(field.validators):
        if not isinstance(validator, validators.BaseValidator):
            continue
        message = VALIDATOR_MESSAGES.get(type(validator))
        if message is not None and validator.message == type(validator).message:
            replaced = copy.copy(validator)
            replaced.message = message
            field.validators[i] = replaced


def _default_messages(cls: type[forms.Field]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        merged.update(FIELD_MESSAGES.get(klass, {}))
    return merged


def _is_django_default(field: forms.Field, kind: str) -> bool:
    """Whether the field's message of `kind` is Django's own (not set by the form)."""
    for klass in type(field).__mro__:
        default = getattr(klass, "default_error_messages", {}).get(kind)
        if default is not None:
            return str(field.error_messages[kind]) == str(default)
    return False


class SilinForm(PlainMessagesMixin, CleanTextMixin, BootstrapMixin, forms.Form):
    """The base of Silin's plain forms."""


class SilinModelForm(PlainMessagesMixin, CleanTextMixin, BootstrapMixin, forms.ModelForm):
    """The base of Silin's model forms."""
