"""Dates, times and numbers as the spaces pages and notices write them, in the active language.

One format per language everywhere in spaces: a date is the locale's DATE_FORMAT
("2026年12月2日", "Dec. 2, 2026"), a time of day is always 24-hour "13:45" (as on the slots),
and a date with a time joins the two. Numbers are grouped by thousands as the charts' axes
are ("18,019.5"): where Django's locale sets no thousands separator (Chinese), a comma in
groups of three, the common practice of Chinese statistics pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import formats, numberformat, timezone
from django.utils.translation import pgettext


def _local(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day_text(value: dt.datetime | dt.date) -> str:
    """2026年12月2日 · Dec. 2, 2026."""
    return formats.date_format(_local(value), "DATE_FORMAT")


def weekday_day_text(value: dt.datetime | dt.date) -> str:
    """星期三 2026年12月2日 · Wednesday, Dec. 2, 2026."""
    local = _local(value)
    return pgettext("weekday and date", "%(weekday)s, %(date)s") % {
        "weekday": formats.date_format(local, "l"),
        "date": formats.date_format(local, "DATE_FORMAT"),
    }


def time_text(value: dt.datetime | dt.time) -> str:
    """13:45, in every language."""
    if isinstance(value, dt.datetime):
        value = _local(value)  # type: ignore[assignment]  # a datetime stays a datetime
    return value.strftime("%H:%M")


def when_text(value: dt.datetime) -> str:
    """2026年12月2日 13:45 · Dec. 2, 2026, 13:45."""
    return pgettext("date and time", "%(date)s, %(time)s") % {
        "date": day_text(value),
        "time": time_text(value),
    }


def number_text(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """A figure grouped by thousands in the active language: 18,019.5."""
    if value is None:
        return ""
    separator = formats.get_format("THOUSAND_SEPARATOR")
    grouping = formats.get_format("NUMBER_GROUPING") if separator else 3
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=grouping,
        thousand_sep=separator or ",",
        force_grouping=True,
        use_l10n=True,
    )


def span_text(start: dt.datetime, end: dt.datetime) -> str:
    """星期三 2026年12月2日 09:00–10:00 · Wednesday, Dec. 2, 2026, 09:00–10:00."""
    return pgettext("date and time", "%(date)s, %(time)s") % {
        "date": weekday_day_text(start),
        "time": f"{time_text(start)}–{time_text(end)}",
    }


def sentences(*parts: str) -> str:
    """Sentences one after the other: a space between them in English, none in Chinese."""
    text = ""
    for part in parts:
        if not part:
            continue
        text = (
            part
            if not text
            else pgettext("two sentences", "%(first)s %(second)s")
            % {
                "first": text,
                "second": part,
            }
        )
    return text
