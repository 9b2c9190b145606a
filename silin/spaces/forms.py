"""Forms of the spaces pages. They shape input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silin.core.forms import SilinForm

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


class _Styled(SilinForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_bootstrap()


class _SlotForm(_Styled):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput())
    purpose = forms.CharField(
        label=_("What for"),
        max_length=200,
        help_text=_("A few words, for example “chess with neighbours”."),
    )
    attendees = forms.IntegerField(label=_("How many people"), min_value=1, max_value=10000)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


class BookingForm(_SlotForm):
    # Sent by the "book anyway" button, once the person's other bookings then were shown.
    overlap_ok = forms.BooleanField(required=False, widget=forms.HiddenInput)


class WaitlistForm(_SlotForm):
    pass


class BehalfBookingForm(BookingForm):
    resident = forms.UUIDField(widget=forms.HiddenInput)


class ReasonForm(_Styled):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person who asked will read this."),
    )


class OptionalReasonForm(_Styled):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


WEEKDAYS = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]

DURATIONS = [
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (90, _("1½ hours")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
]


class SeriesForm(_Styled):
    """Simple choices that build an RFC 5545 rule: nobody has to write one by hand."""

    class Pattern:
        WEEKDAYS = "weekdays"
        WEEKLY = "weekly"
        MONTHLY_FIRST = "monthly_first"

    pattern = forms.ChoiceField(
        label=_("Repeat"),
        widget=forms.RadioSelect,
        choices=[
            (Pattern.WEEKDAYS, _("Every weekday (Monday to Friday)")),
            (Pattern.WEEKLY, _("Every week on the days I choose")),
            (Pattern.MONTHLY_FIRST, _("Once a month, on the first … of the month")),
        ],
        initial=Pattern.WEEKLY,
    )
    days = forms.MultipleChoiceField(
        label=_("On these days (every week)"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    monthly_day = forms.ChoiceField(
        label=_("First … of the month"), choices=WEEKDAYS, initial="SA", required=False
    )
    first_date = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration = forms.TypedChoiceField(
        label=_("For how long"), choices=DURATIONS, coerce=int, initial=60
    )
    until = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day it may happen."),
    )
    purpose = forms.CharField(label=_("What for"), max_length=200)
    attendees = forms.IntegerField(label=_("How many people"), min_value=1, max_value=10000)
    skip_clashes = forms.BooleanField(
        label=_("Skip the dates that are taken or closed and book the rest"),
        required=False,
        initial=True,
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        pattern = cleaned.get("pattern")
        if pattern == self.Pattern.WEEKLY and not cleaned.get("days"):
            self.add_error("days", _("Choose at least one day of the week."))
        if pattern == self.Pattern.MONTHLY_FIRST and not cleaned.get("monthly_day"):
            self.add_error("monthly_day", _("Choose the day of the week."))
        first, until = cleaned.get("first_date"), cleaned.get("until")
        if first and until and until < first:
            self.add_error("until", _("The last day must not be before the first."))
        return cleaned

    def first_starts_at(self) -> dt.datetime:
        naive = dt.datetime.combine(
            self.cleaned_data["first_date"], self.cleaned_data["start_time"]
        )
        return timezone.make_aware(naive, timezone.get_current_timezone())

    def rrule(self) -> str:
        data = self.cleaned_data
        last = dt.datetime.combine(data["until"], dt.time(23, 59, 59))
        until = timezone.make_aware(last, timezone.get_current_timezone()).astimezone(dt.UTC)
        until_text = until.strftime("%Y%m%dT%H%M%SZ")
        if data["pattern"] == self.Pattern.WEEKDAYS:
            rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        elif data["pattern"] == self.Pattern.WEEKLY:
            order = [code for code, _label in WEEKDAYS]
            days = sorted(data["days"], key=order.index)
            rule = "FREQ=WEEKLY;BYDAY=" + ",".join(days)
        else:
            rule = f"FREQ=MONTHLY;BYDAY=1{data['monthly_day']}"
        return f"{rule};UNTIL={until_text}"
