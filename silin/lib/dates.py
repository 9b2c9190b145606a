"""Calendar arithmetic that must hold on 29 February and at the turn of a year."""

from __future__ import annotations

import datetime as dt


def years_ago(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years between ``birth`` and ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_date_for_age(age: int, *, today: dt.date) -> dt.date:
    """A birth date that makes someone exactly ``age`` today, far from either birthday."""
    return years_ago(today, age) - dt.timedelta(days=100)
