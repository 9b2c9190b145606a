"""`{% load spaces_format %}`: the one date, time and number format of the spaces pages
(see `silin.spaces.formatting`)."""

from __future__ import annotations

from django import template

from silin.spaces import formatting

register = template.Library()


@register.filter
def day(value):
    """2026年12月2日 · Dec. 2, 2026."""
    return formatting.day_text(value) if value else ""


@register.filter
def weekday_day(value):
    """星期三 2026年12月2日 · Wednesday, Dec. 2, 2026."""
    return formatting.weekday_day_text(value) if value else ""


@register.filter
def when(value):
    """2026年12月2日 13:45 · Dec. 2, 2026, 13:45."""
    return formatting.when_text(value) if value else ""


@register.filter
def figure(value, decimals=None):
    """A number grouped by thousands: 18,019.5 (`|figure:0` for no decimals)."""
    if value is None or value == "":
        return ""
    return formatting.number_text(value, None if decimals is None else int(decimals))


@register.filter
def span(start, end):
    """`{{ b.starts_at|span:b.ends_at }}`: 星期三 2026年12月2日 09:00–10:00."""
    return formatting.span_text(start, end) if start and end else ""
