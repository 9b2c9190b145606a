"""Weeks and months for the use figures: the period a page shows, and the trend before it."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from silin.spaces.formatting import day_text

WEEK = "week"
MONTH = "month"
PERIOD_KINDS = (WEEK, MONTH)
TREND_LENGTH = {WEEK: 8, MONTH: 6}


@dataclass(frozen=True)
class Period:
    """A calendar week (Monday first) or month, as local dates [start, end)."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def starts_at(self) -> dt.datetime:
        return _local_midnight(self.start)

    @property
    def ends_at(self) -> dt.datetime:
        return _local_midnight(self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        last = self.end - dt.timedelta(days=1)
        return _("%(first)s – %(last)s") % {"first": day_text(self.start), "last": day_text(last)}

    @property
    def short_label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%m-%d}"

    def shifted(self, steps: int) -> Period:
        if self.kind == WEEK:
            return period_of(WEEK, self.start + dt.timedelta(weeks=steps))
        month_index = self.start.year * 12 + self.start.month - 1 + steps
        return period_of(MONTH, dt.date(month_index // 12, month_index % 12 + 1, 1))

    def dates(self) -> Iterable[dt.date]:
        for offset in range(self.days):
            yield self.start + dt.timedelta(days=offset)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def period_of(kind: str, day: dt.date) -> Period:
    """The week or month holding `day`."""
    if kind == MONTH:
        first = day.replace(day=1)
        length = calendar.monthrange(day.year, day.month)[1]
        return Period(MONTH, first, first + dt.timedelta(days=length))
    monday = day - dt.timedelta(days=day.weekday())
    return Period(WEEK, monday, monday + dt.timedelta(days=7))


def period_from_params(kind: str | None, on: str | None, *, today: dt.date | None = None) -> Period:
    """The period a page asks for (`?period=week|month&on=YYYY-MM-DD`); bad values fall back
    to this month rather than failing, since they come from hand-edited links."""
    today = today or timezone.localdate()
    kind = kind if kind in PERIOD_KINDS else MONTH
    try:
        day = dt.date.fromisoformat(on) if on else today
    except ValueError:
        day = today
    return period_of(kind, day)


def trend_periods(period: Period) -> list[Period]:
    """The chosen period and the ones before it, oldest first."""
    n = TREND_LENGTH[period.kind]
    return [period.shifted(step) for step in range(-(n - 1), 1)]
