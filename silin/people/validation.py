"""Checks on a resident's personal details, shared by forms, the API and imports.

Each check returns `Problem`s: the field, a code and plain params, never a sentence. An
import is checked by the task worker (whose language is the server's) and read later by
anyone, so it stores the codes and renders them for each reader (silin.workbooks.messages
includes `MESSAGES`); forms and the API render them at once, in the request's language
(`field_errors`, `Problem.message`), so every entry point says the same thing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from silin.lib import idnumbers, phones

MESSAGES: dict[str, Promise] = {
    "id_number.format": _("An ID number has 17 digits followed by a digit or X."),
    "id_number.birth_date": _("The birth date inside this ID number is not a real date."),
    "id_number.check_digit": _(
        "The last character of this ID number does not match (check digit). "
        "Please check each digit again."
    ),
    # params: date (ISO 8601), the date of birth the number holds
    "id_number.birth_date_mismatch": _(
        "The date of birth does not match the ID number (%(date)s)."
    ),
    "id_number.gender_mismatch": _("The gender does not match the ID number."),
    "mobile.invalid": _("A mobile number has 11 digits and starts with 13 to 19."),
}


def message(code: str, params: Mapping[str, object] | None = None) -> str:
    """The text of a code from `MESSAGES` in the active language."""
    text = str(MESSAGES[code])
    return text % dict(params) if params else text


@dataclasses.dataclass(frozen=True)
class Problem:
    """One bad detail: the field it belongs to, a code of `MESSAGES` and plain params."""

    field: str
    code: str
    params: Mapping[str, str | int] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        return message(self.code, self.params)


def field_errors(problems: Iterable[Problem]) -> dict[str, list[str]]:
    """{field: [message, ...]} in the active language, for a form or a ValidationError."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return errors


def check_id_number(
    raw: str, *, birth_date: dt.date | None, gender: str | None
) -> tuple[str, list[Problem]]:
    """The normalised number and any problems, including disagreement with the record."""
    if not raw:
        return "", []
    try:
        parsed = idnumbers.parse(raw)
    except idnumbers.IdNumberError as exc:
        return idnumbers.normalise(raw), [Problem("id_number", f"id_number.{exc.code}")]
    problems: list[Problem] = []
    if birth_date and parsed.birth_date != birth_date:
        problems.append(
            Problem(
                "birth_date",
                "id_number.birth_date_mismatch",
                {"date": parsed.birth_date.isoformat()},
            )
        )
    if gender and parsed.sex != gender:
        problems.append(Problem("gender", "id_number.gender_mismatch"))
    return parsed.value, problems


def check_mobile(raw: str) -> tuple[str, list[Problem]]:
    if not raw:
        return "", []
    value = phones.normalise(raw)
    if not phones.is_valid(value):
        return value, [Problem("mobile", "mobile.invalid")]
    return value, []
