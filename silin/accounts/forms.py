from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from silin.core.forms import CleanTextMixin
from silin.lib import phones

MOBILE_HELP = _("11 digits, for example 13800001234")


def _mobile_field() -> forms.CharField:
    return forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=MOBILE_HELP,
        error_messages={"required": _("Please enter your mobile number.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "inputmode": "tel", "autofocus": True}
        ),
    )


class MobileCleanMixin:
    cleaned_data: dict[str, Any]

    def clean_mobile(self) -> str:
        number = phones.normalise(self.cleaned_data["mobile"])
        if not phones.is_valid(number):
            raise forms.ValidationError(
                _("A mobile number has 11 digits and starts with 13 to 19."), code="invalid"
            )
        return number


class PasswordLoginForm(MobileCleanMixin, CleanTextMixin, forms.Form):
    mobile = _mobile_field()
    password = forms.CharField(
        label=_("Password"),
        error_messages={"required": _("Please enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeRequestForm(MobileCleanMixin, CleanTextMixin, forms.Form):
    mobile = _mobile_field()


class CodeLoginForm(MobileCleanMixin, CleanTextMixin, forms.Form):
    mobile = _mobile_field()
    code = forms.RegexField(
        label=_("Code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={
            "required": _("Please enter the 6-digit code."),
            "invalid": _("The code has 6 digits."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class PreferencesForm(CleanTextMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    elderly_mode = forms.BooleanField(
        label=_("长辈版 (large text)"),
        required=False,
        help_text=_("Bigger letters and buttons on every page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = settings.LANGUAGES


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form: checks the current password and applies AUTH_PASSWORD_VALIDATORS."""

    def save(self, commit=True):  # the service saves and records it
        raise NotImplementedError("Use services.password_change")


class TokenCreateForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        label=_("What is the token for?"),
        max_length=80,
        help_text=_("For example: community reporting spreadsheet"),
        error_messages={"required": _("Please give the token a name.")},
    )


def _min_password_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 8


class PasswordResetRequestForm(MobileCleanMixin, CleanTextMixin, forms.Form):
    mobile = _mobile_field()


class PasswordResetConfirmForm(MobileCleanMixin, CleanTextMixin, forms.Form):
    """The code from the text message and the new password, twice."""

    mobile = _mobile_field()
    code = CodeLoginForm.base_fields["code"]
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        error_messages={"required": _("Please choose a new password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        error_messages={"required": _("Please type the new password once more.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "At least %(count)d characters, not only digits, not like your name or number."
        ) % {"count": _min_password_length()}

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return data
