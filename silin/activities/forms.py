from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silin.activities.models import Category, Event, Stage
from silin.core.forms import SilinForm
from silin.people.models import Tag
from silin.places.models import Community, Compound
from silin.spaces.models import Space


class SignUpForm(SilinForm):
    companions = forms.IntegerField(
        label=_("Companions (family members coming with you)"), min_value=0, max_value=10, initial=0
    )


class FeedbackForm(SilinForm):
    rating = forms.IntegerField(label=_("Rating"), min_value=1, max_value=5)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class CancelEventForm(SilinForm):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=300,
        error_messages={"required": _("Say why the activity is cancelled.")},
    )


class ProposalForm(SilinForm):
    title = forms.CharField(label=_("What would you like to do together?"), max_length=100)
    description = forms.CharField(
        label=_("Tell us more (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.ChoiceField(label=_("Kind of activity"), choices=Category.choices)
    stage = forms.ChoiceField(label=_("For neighbours who are"), choices=Stage.choices)
    for_families = forms.BooleanField(label=_("For families"), required=False)
    for_elderly = forms.BooleanField(label=_("For the elderly"), required=False)
    for_children = forms.BooleanField(label=_("For children"), required=False)


class DeclineForm(SilinForm):
    reason = forms.CharField(
        label=_("Why is it declined? (the resident reads this)"),
        max_length=300,
        error_messages={"required": _("Say why the proposal is declined.")},
    )


class CapacityForm(SilinForm):
    capacity = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=2000)


class FilterForm(SilinForm):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All"))] + list(Stage.choices)
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All"))] + list(Category.choices)
    )
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    free_only = forms.BooleanField(label=_("Only with free places"), required=False)


REPEATS = [
    ("", _("Does not repeat")),
    ("FREQ=WEEKLY", _("Every week")),
    ("FREQ=WEEKLY;INTERVAL=2", _("Every two weeks")),
    ("FREQ=MONTHLY", _("Every month")),
]


class EventForm(SilinForm):
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    organiser_kind = forms.ChoiceField(label=_("Organised by"), choices=Event.Organiser.choices)
    compound = forms.ModelChoiceField(
        label=_("Compound"), queryset=Compound.objects.none(), required=False
    )
    space = forms.ModelChoiceField(
        label=_("Space (booked for the whole time)"), queryset=Space.objects.none(), required=False
    )
    place_text = forms.CharField(label=_("Or a place outside"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=24 * 60
    )
    capacity = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=2000)
    max_companions = forms.IntegerField(
        label=_("Companions per sign-up"), min_value=0, max_value=10, initial=0
    )
    signup_closes_at = forms.DateTimeField(
        label=_("Sign-up closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    waiting_list = forms.BooleanField(
        label=_("Waiting list when full"), required=False, initial=True
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    required_tags = forms.ModelMultipleChoiceField(
        label=_("Only for residents registered as (any of)"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEATS, required=False)
    times = forms.IntegerField(
        label=_("How many times in all"), min_value=2, max_value=52, required=False
    )
    rrule = forms.CharField(
        label=_("Or a repeat rule (RFC 5545, e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=8)"),
        max_length=500,
        required=False,
    )

    def __init__(self, *args, communities, compounds, spaces, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("community", communities),
            ("compound", compounds),
            ("space", spaces),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean(self):
        data = super().clean() or {}
        if data.get("repeat") and not data.get("times") and not data.get("rrule"):
            self.add_error("times", _("Say how many times it takes place."))
        return data

    def rule_text(self) -> str:
        """The rule the form asks for ("" for a single event); the typed rule wins."""
        d = self.cleaned_data
        if d.get("rrule"):
            return d["rrule"]
        if d.get("repeat") and d.get("times"):
            return f"{d['repeat']};COUNT={d['times']}"
        return ""

    def ends_at(self) -> dt.datetime:
        return self.cleaned_data["starts_at"] + dt.timedelta(
            minutes=self.cleaned_data["duration_minutes"]
        )

    @staticmethod
    def default_start() -> dt.datetime:
        day = timezone.localdate() + dt.timedelta(days=7)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0)))


class MessageForm(SilinForm):
    text = forms.CharField(
        label=_("Message"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At most 500 characters. Everyone with a place gets it as a notice."),
    )
    include_waiting = forms.BooleanField(label=_("Also to the waiting list"), required=False)
    sms = forms.BooleanField(label=_("Also by SMS"), required=False)
    confirm = forms.BooleanField(
        label=_("I have read the message again: send it now"),
        error_messages={"required": _("Tick the box to confirm the message is ready to send.")},
    )


class AddPersonForm(SilinForm):
    """Sign up (before the start) or add at the door (a walk-in) a resident or a guest."""

    DOOR, SIGN_UP = "door", "sign_up"
    mode = forms.ChoiceField(choices=[(DOOR, DOOR), (SIGN_UP, SIGN_UP)], widget=forms.HiddenInput)
    resident = forms.UUIDField(required=False, widget=forms.HiddenInput)
    guest_name = forms.CharField(label=_("Guest's name"), max_length=50, required=False)
    companions = forms.IntegerField(
        label=_("Companions"), min_value=0, max_value=10, initial=0, required=False
    )

    def clean_companions(self) -> int:
        return self.cleaned_data.get("companions") or 0
