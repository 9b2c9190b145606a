"""Checks on a resident's personal details, shared by forms, the API and imports.

Each check returns field errors as {field: [message, ...]} in the active language, so every
entry point reports bad input the same way.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from silin.lib import idnumbers, phones

ID_MESSAGES = {
    "format": lambda: _("An ID number has 17 digits followed by a digit or X."),
    "birth_date": lambda: _("The birth date inside this ID number is not a real date."),
    "check_digit": lambda: _(
        "The last character of this ID number does not match (check digit). "
        "Please check each digit again."
    ),
}


def check_id_number(
    raw: str, *, birth_date: dt.date | None, gender: str | None
) -> tuple[str, dict[str, list[str]]]:
    """The normalised number and any errors, including disagreement with the record."""
    errors: dict[str, list[str]] = {}
    if not raw:
        return "", errors
    try:
        parsed = idnumbers.parse(raw)
    except idnumbers.IdNumberError as exc:
        errors["id_number"] = [ID_MESSAGES[exc.code]()]
        return idnumbers.normalise(raw), errors
    if birth_date and parsed.birth_date != birth_date:
        errors.setdefault("birth_date", []).append(
            _("The date of birth does not match the ID number (%(date)s).")
            % {"date": parsed.birth_date.isoformat()}
        )
    if gender and parsed.sex != gender:
        errors.setdefault("gender", []).append(_("The gender does not match the ID number."))
    return parsed.value, errors


def check_mobile(raw: str) -> tuple[str, dict[str, list[str]]]:
    if not raw:
        return "", {}
    value = phones.normalise(raw)
    if not phones.is_valid(value):
        return value, {"mobile": [_("A mobile number has 11 digits and starts with 13 to 19.")]}
    return value, {}
