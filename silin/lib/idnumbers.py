"""Resident identity card numbers (GB 11643-1999).

An 18-character number: 6-digit area code, 8-digit birth date, 3-digit sequence whose last
digit is odd for men and even for women, and a check character computed with ISO 7064
MOD 11-2.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    """The number is not a valid identity card number; `code` tells why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def area_code(self) -> str:
        return self.value[:6]


def normalise(raw: str) -> str:
    """Full-width digits and letters become ASCII, spaces vanish, a trailing x becomes X."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"\s+", "", text).upper()


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse(raw: str) -> IdNumber:
    value = normalise(raw)
    if not _SHAPE.match(value):
        raise IdNumberError("format")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError("birth_date") from exc
    if birth.year < 1880 or birth > dt.date.today():  # noqa: DTZ011 - a calendar date
        raise IdNumberError("birth_date")
    if check_character(value[:17]) != value[17]:
        raise IdNumberError("check_digit")
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, sex=sex)


def build(area_code: str, birth_date: dt.date, sequence: int, sex: str) -> str:
    """Compose a valid number; used by the demo data and the tests."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (sex == "M"):
        seq = (seq + 1) % 1000
    first17 = f"{area_code}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)
