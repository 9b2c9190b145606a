"""Forms of neighbour services (text cleaned at the boundary by SilinForm)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silin.core.forms import SilinForm
from silin.mutualaid.models import HelpRequest, Skill

# The times a resident picks with one tap: (code, label, day offset, start hour, end hour).
WHEN_CHOICES: tuple[tuple[str, Any, int, int, int], ...] = (
    ("today_morning", _("This morning"), 0, 8, 12),
    ("today_afternoon", _("This afternoon"), 0, 14, 18),
    ("today_evening", _("This evening"), 0, 18, 21),
    ("tomorrow_morning", _("Tomorrow morning"), 1, 8, 12),
    ("tomorrow_afternoon", _("Tomorrow afternoon"), 1, 14, 18),
    ("this_week", _("Any day this week"), 0, 8, 18),
)


def when_options(now: dt.datetime) -> list[tuple[str, Any]]:
    """The choices still ahead of `now` (this morning is gone in the afternoon)."""
    local = timezone.localtime(now)
    return [
        (code, label)
        for code, label, days, _start, end in WHEN_CHOICES
        if days or code == "this_week" or local.hour < end
    ]


def when_window(code: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(now)
    for choice, _label, days, start, end in WHEN_CHOICES:
        if choice != code:
            continue
        day = local.date() + dt.timedelta(days=days)
        begin = timezone.make_aware(dt.datetime.combine(day, dt.time(start)))
        finish = timezone.make_aware(dt.datetime.combine(day, dt.time(end)))
        if code == "this_week":
            finish = timezone.make_aware(
                dt.datetime.combine(day + dt.timedelta(days=6), dt.time(end))
            )
        return max(begin, now.replace(second=0, microsecond=0)), finish
    raise KeyError(code)


class AskForm(SilinForm):
    """ "I need help": what (from the button pressed), when (one tap), and optional details."""

    when = forms.ChoiceField(
        label=_("When?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when you need help.")},
    )
    agreed_minutes = forms.TypedChoiceField(
        label=_("About how long?"),
        coerce=int,
        choices=[
            (30, _("Half an hour")),
            (60, _("One hour")),
            (120, _("Two hours")),
            (180, _("Three hours")),
        ],
        initial=60,
    )
    urgency = forms.ChoiceField(
        label=_("How urgent?"),
        choices=HelpRequest.Urgency.choices,
        initial=HelpRequest.Urgency.NORMAL,
    )
    repeats_weekly = forms.BooleanField(label=_("Every week at this time"), required=False)
    notes = forms.CharField(
        label=_("Anything the helper should know (only they and the worker see it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
    )

    def __init__(self, *args: Any, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = when_options(now)
        when = self.fields["when"]
        assert isinstance(when, forms.ChoiceField)
        when.choices = options
        self.fields["when"].initial = options[0][0] if options else None


WEEKDAY_LABELS = (
    _("Mon"),
    _("Tue"),
    _("Wed"),
    _("Thu"),
    _("Fri"),
    _("Sat"),
    _("Sun"),
)
PARTS = (("am", _("Morning"), 8 * 60, 12 * 60), ("pm", _("Afternoon"), 14 * 60, 18 * 60))


def availability_choices() -> list[tuple[str, str]]:
    return [
        (f"{day}-{code}", f"{WEEKDAY_LABELS[day]} {label}")
        for day in range(7)
        for code, label, _start, _end in PARTS
    ]


def availability_from(codes: list[str]) -> list[list[int]]:
    windows: list[list[int]] = []
    parts = {code: (start, end) for code, _label, start, end in PARTS}
    for value in codes:
        day, part = value.split("-")
        start, end = parts[part]
        windows.append([int(day), start, end])
    return windows


def availability_codes(windows: list[list[int]]) -> list[str]:
    by_span = {(start, end): code for code, _label, start, end in PARTS}
    return [f"{day}-{by_span[(s, e)]}" for day, s, e in windows if (s, e) in by_span]


class HelperForm(SilinForm):
    skills = forms.MultipleChoiceField(
        label=_("What I can help with"),
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of help you can give.")},
    )
    availability = forms.MultipleChoiceField(
        label=_("When I am usually free (none chosen: any time)"),
        choices=availability_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    monthly_cap = forms.IntegerField(
        label=_("Tasks a month at most"), min_value=1, max_value=60, initial=8
    )
    health_declared = forms.BooleanField(
        label=_("I declare that I am in good health to help older neighbours"), required=False
    )


class VerifyForm(SilinForm):
    safety_trained_on = forms.DateField(
        label=_("Safety training done on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CheckOutForm(SilinForm):
    claimed_minutes = forms.IntegerField(
        label=_("Minutes spent helping"), min_value=1, max_value=600, required=False
    )


class RejectForm(SilinForm):
    reason = forms.CharField(
        label=_("What was wrong?"),
        max_length=200,
        error_messages={"required": _("Say what was wrong, so the worker can look into it.")},
    )


class ResidentSearchForm(SilinForm):
    name = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
