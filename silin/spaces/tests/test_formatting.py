"""One date, time and number format per language on the spaces pages (issue 9, items 11, 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from silin.spaces import formatting

WHEN = dt.datetime(2026, 12, 2, 13, 45, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("language", "day", "when", "span"),
    [
        ("zh-hans", "2026年12月2日", "2026年12月2日 13:45", "星期三 2026年12月2日 13:45–15:00"),
        ("en", "Dec. 2, 2026", "Dec. 2, 2026, 13:45", "Wednesday, Dec. 2, 2026, 13:45–15:00"),
    ],
)
def test_one_date_format_per_language_and_always_a_24_hour_clock(language, day, when, span):
    with translation.override(language):
        assert formatting.day_text(WHEN) == day
        assert formatting.when_text(WHEN) == when
        assert formatting.span_text(WHEN, WHEN + dt.timedelta(minutes=75)) == span
        assert "a.m." not in formatting.when_text(WHEN.replace(hour=1))


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_large_figures_are_grouped_by_thousands_as_on_the_chart_axes(language):
    with translation.override(language):
        assert formatting.number_text(Decimal("18019.5")) == "18,019.5"
        assert formatting.number_text(1234567, 0) == "1,234,567"
        assert formatting.number_text(Decimal("0.4")) == "0.4"


def test_the_template_filters_use_the_same_formats():
    template = Template(
        "{% load spaces_format %}"
        "{{ n|figure }} {{ when|day }} · {{ when|when }} · {{ none|figure }}"
    )
    with translation.override("zh-hans"):
        text = template.render(Context({"n": Decimal("18019.5"), "when": WHEN, "none": None}))
    assert text == "18,019.5 2026年12月2日 · 2026年12月2日 13:45 · "
