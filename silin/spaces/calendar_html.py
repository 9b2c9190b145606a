"""The week calendar's grid of slots as HTML, written in Python.

A busy space's week is about two hundred slots; through Django's template engine (an
`{% if %}` chain, `{% translate %}` and three lookups per slot) the grid was most of the
space page's CPU. Here each label is translated once per page and each slot is one
f-string: the same markup, a fraction of the cost. The words stay in the .po files (the
`gettext` calls below), so the grid speaks the reader's language as the template did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import quote

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from silin.spaces import calendar
from silin.spaces.calendar import Day, Slot


def _labels() -> dict[str, str]:
    """Each state's words in the active language, escaped once."""
    words = {
        "free": gettext("Free"),
        "requested": gettext("Asked for"),
        "taken": gettext("Taken"),
        "mine": gettext("Your booking"),
        "blocked": gettext("Blocked"),
        "past": gettext("Past"),
        "closed": gettext("Closed"),
        "ask_too": gettext("Asked for: you may ask too"),
        "today": gettext("today"),
        "over": gettext("This day is over."),
        "no_more": gettext("No more times today."),
    }
    return {key: escape(text) for key, text in words.items()}


def _stamp(value: dt.datetime, tz: dt.tzinfo) -> tuple[str, str]:
    """(13:45, the local ISO time quoted for a link) of one instant."""
    local = value.astimezone(tz)
    return f"{local:%H:%M}", quote(local.isoformat(), safe="")


def _slot(slot: Slot, *, can_book: bool, book_url: str, wait_url: str, words, tz) -> str:
    start, start_q = _stamp(slot.starts_at, tz)
    end, end_q = _stamp(slot.ends_at, tz)
    span = f'<span class="slot-time">{start}–{end}</span>'
    state = slot.state
    if can_book and state in (calendar.FREE, calendar.REQUESTED):
        label = words["ask_too"] if state == calendar.REQUESTED else words["free"]
        href = f"{book_url}?starts_at={start_q}&amp;ends_at={end_q}"
        return f'<li><a class="slot {state}" href="{href}">{span}<span>{label}</span></a></li>'
    if can_book and state == calendar.TAKEN:
        href = f"{wait_url}?starts_at={start_q}&amp;ends_at={end_q}"
        label = words["taken"]
        return f'<li><a class="slot taken" href="{href}">{span}<span>{label}</span></a></li>'
    label = words.get(state, words["closed"])
    return f'<li><span class="slot {state}">{span}<span>{label}</span></span></li>'


def _heading(day: Day, words) -> tuple[str, str]:
    """(the section's accessible name, its visible heading)."""
    weekday = formats.date_format(day.date, "l")
    full = pgettext("weekday and date", "%(weekday)s, %(date)s") % {
        "weekday": weekday,
        "date": formats.date_format(day.date, "DATE_FORMAT"),
    }
    short = escape(formats.date_format(day.date, "D"))
    today = f" · {words['today']}" if day.is_today else ""
    month_day = f"{day.date.month}/{day.date.day}"
    visible = f'<h3>{short} <span class="fw-normal">{month_day}</span>{today}</h3>'
    return escape(full), visible


def week_grid(days: Sequence[Day], *, can_book: bool, book_url: str, wait_url: str) -> SafeString:
    """The seven `<section class="week-day">` of the week calendar."""
    words = _labels()
    tz = timezone.get_current_timezone()
    book_url, wait_url = escape(book_url), escape(wait_url)
    parts: list[str] = []
    for index, day in enumerate(days):
        label, heading = _heading(day, words)
        today = " today" if day.is_today else ""
        parts.append(
            f'<section class="week-day{today}" :class="{{ \'is-picked\': day === {index} }}"'
            f' aria-label="{label}">{heading}'
        )
        if day.slots:
            parts.append("<ol>")
            parts.extend(
                _slot(
                    slot,
                    can_book=can_book,
                    book_url=book_url,
                    wait_url=wait_url,
                    words=words,
                    tz=tz,
                )
                for slot in day.slots
            )
            parts.append("</ol>")
        else:
            key = "over" if day.is_past else "no_more" if day.is_today else "closed"
            parts.append(f'<p class="mb-0 text-body-secondary">{words[key]}</p>')
        parts.append("</section>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped or ours
