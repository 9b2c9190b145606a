"""Spaces and when they are open: the space, its weekly hours, exceptions and blocked periods."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from silin.core.roles import Capability
from silin.places.models import ScopedQuerySet


def new_token() -> str:
    """A public token for tokened URLs (door QR code, calendar feeds); 32 url-safe chars."""
    return secrets.token_urlsafe(24)


class SpaceQuerySet(ScopedQuerySet):
    """Staff scope of spaces (residents' reach: `selectors.spaces.space_list_for`).

    The default capability is a staff one: VIEW_PLACES would include residents' own role.
    """

    scope_paths = {
        "street": "community__street_id",
        "community": "community_id",
        "compound": "compound_id",
    }
    capability = Capability.VIEW_SPACE_FIGURES


class Space(models.Model):
    class Kind(models.TextChoices):
        LOUNGE = "lounge", _("Resident lounge")
        READING_BAR = "reading_bar", _("Reading room")
        DANCE_ROOM = "dance_room", _("Dance room")
        ACTIVITY_CENTRE = "activity_centre", _("Activity centre")
        ELDER_CANTEEN = "elder_canteen", _("Elder canteen")
        COURTYARD = "courtyard", _("Courtyard shared space")
        DELIBERATION = "deliberation", _("Deliberation venue")
        SPORTS = "sports", _("Sports ground")
        OTHER = "other", _("Other")

    class Amenity(models.TextChoices):
        WIFI = "wifi", _("Wi-Fi")
        PROJECTOR = "projector", _("Projector or screen")
        SOUND = "sound", _("Sound system")
        TABLES = "tables", _("Tables and chairs")
        KITCHEN = "kitchen", _("Kitchen")
        TEA = "tea", _("Tea and hot water")
        BOOKS = "books", _("Books")
        CHESS = "chess", _("Chess and cards")
        MIRRORS = "mirrors", _("Mirrors and dance floor")
        AIR_CONDITIONING = "air_conditioning", _("Air conditioning")
        FIRST_AID = "first_aid", _("First-aid kit")
        TOILET = "toilet", _("Toilet")

    class Reach(models.TextChoices):
        COMPOUND = "compound", _("Residents of the compound only")
        COMMUNITY = "community", _("Residents of the community")
        STREET = "street", _("Residents of the whole street")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="spaces",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spaces",
        help_text=_("Leave empty for a community-level space such as the service centre."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rooms",
        help_text=_("The centre this room belongs to, if any."),
    )
    address = models.CharField(_("where"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (people)"), validators=[MinValueValidator(1)]
    )
    description = models.TextField(_("description"), blank=True)
    amenities = models.JSONField(_("amenities"), default=list, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    lift = models.BooleanField(_("lift"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    photo = models.FileField(_("photo"), upload_to="spaces/photos/", blank=True)
    managed_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("managing organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_spaces",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_spaces",
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who approves"),
        blank=True,
        related_name="approved_spaces",
        help_text=_("Besides the manager and the community's staff."),
    )
    active = models.BooleanField(_("open for booking"), default=True)

    # Booking policy.
    bookable_by_residents = models.BooleanField(_("residents may book"), default=True)
    bookable_by_organizations = models.BooleanField(_("organisations may book"), default=True)
    bookable_by_staff = models.BooleanField(_("staff may book"), default=True)
    approval_required = models.BooleanField(_("bookings need approval"), default=False)
    book_ahead_days = models.PositiveSmallIntegerField(
        _("how far ahead (days)"), default=30, validators=[MinValueValidator(1)]
    )
    min_booking_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), default=30, validators=[MinValueValidator(5)]
    )
    max_booking_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"), default=240, validators=[MinValueValidator(5)]
    )
    weekly_quota_household_minutes = models.PositiveIntegerField(
        _("weekly quota per household (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: no quota."),
    )
    weekly_quota_organization_minutes = models.PositiveIntegerField(
        _("weekly quota per organisation (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: no quota."),
    )
    check_in_grace_minutes = models.PositiveSmallIntegerField(
        _("check-in grace period (minutes)"),
        default=15,
        validators=[MaxValueValidator(240)],
    )
    reach = models.CharField(
        _("open to"), max_length=20, choices=Reach.choices, default=Reach.COMMUNITY
    )
    allow_overlapping_own_bookings = models.BooleanField(
        _("may be booked by someone booked elsewhere at the same time"),
        default=True,
        help_text=_(
            "On: the person is warned of their other bookings at that time and may book "
            "anyway. Off: such a booking is refused."
        ),
    )

    # Tokens of public URLs; rotating one invalidates printed codes or subscribed feeds.
    door_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="space_name_unique"),
            models.CheckConstraint(
                condition=models.Q(max_booking_minutes__gte=models.F("min_booking_minutes")),
                name="space_booking_length_order",
            ),
        ]
        indexes = [models.Index(fields=["community", "active", "kind"])]

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return (
            self.community.street_id,
            self.community_id,
            self.compound_id,
            f"{self.community} · {self}",
        )


class OpeningHours(models.Model):
    """One opening window on a weekday (0 = Monday); a day may have several windows."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["space", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="opening_hours_order"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="opening_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(models.Model):
    """A date whose hours differ from the week: closed all day, or special windows.

    Rows of one date replace that weekday's hours; any `closed` row closes the whole day.
    """

    class Reason(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        CLOSURE = "closure", _("Closure")
        SPECIAL = "special", _("Special hours")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["space", "date", "opens"]
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed=True, opens__isnull=True, closes__isnull=True)
                | models.Q(
                    closed=False,
                    opens__isnull=False,
                    closes__isnull=False,
                    closes__gt=models.F("opens"),
                ),
                name="opening_exception_hours",
            )
        ]
        indexes = [models.Index(fields=["space", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_reason_display()}"


class BlockedPeriod(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="blocked_periods"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    reason = models.CharField(_("reason"), max_length=200)
    overriders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who may still book"),
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["space", "starts_at"]
        verbose_name = _("blocked period")
        verbose_name_plural = _("blocked periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="blocked_period_order"
            )
        ]
        indexes = [models.Index(fields=["space", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.space} · {self.reason}"

    def tree_node(self):
        return self.space.tree_node()
