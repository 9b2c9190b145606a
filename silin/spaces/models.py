"""Neighbour Spaces (邻空间): shared spaces, where they came from, and their bookings.

The invariant "two confirmed bookings of one space never overlap" is held by the database
on PostgreSQL (an exclusion constraint over `tstzrange(starts_at, ends_at, '[)')` added by
migration 0001 for PostgreSQL only, see `CONFIRMED_STATES`) and by the single writer on
SQLite (`transaction_mode: IMMEDIATE`) around the check in `services.booking_create`.
"""

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
    """Staff scope of spaces (residents' reach is applied by `selectors.space_list_for`).

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
        READING_BAR = "reading_bar", _("Reading bar")
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


class RenewalRecordQuerySet(ScopedQuerySet):
    scope_paths = {
        "street": "community__street_id",
        "community": "community_id",
        "compound": "compound_id",
    }
    capability = Capability.VIEW_SPACE_FIGURES


class RenewalRecord(models.Model):
    """How an idle site was turned into a shared space (微更新, 老旧院落改造)."""

    class SiteKind(models.TextChoices):
        VACANT_LOT = "vacant_lot", _("Vacant lot")
        OPEN_GROUND_FLOOR = "open_ground_floor", _("Open ground floor")
        IDLE_ROOMS = "idle_rooms", _("Idle rooms")

    class ProjectKind(models.TextChoices):
        MICRO_RENEWAL = "micro_renewal", _("Micro-renewal")
        COURTYARD_RENEWAL = "courtyard_renewal", _("Old-courtyard renewal")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        OPENED = "opened", _("Opened")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="renewal_records",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_records",
    )
    title = models.CharField(_("title"), max_length=200)
    site_kind = models.CharField(_("idle site"), max_length=20, choices=SiteKind.choices)
    project_kind = models.CharField(_("project kind"), max_length=20, choices=ProjectKind.choices)
    description = models.TextField(_("description"), blank=True)
    photo_before = models.FileField(_("photo before"), upload_to="spaces/renewal/", blank=True)
    photo_after = models.FileField(_("photo after"), upload_to="spaces/renewal/", blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    cost = models.DecimalField(
        _("cost (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    space = models.ForeignKey(
        Space,
        verbose_name=_("space it became"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal_records",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RenewalRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name = _("renewal record")
        verbose_name_plural = _("renewal records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(finished_on__gte=models.F("started_on")),
                name="renewal_dates_order",
            ),
            models.CheckConstraint(
                condition=models.Q(cost__isnull=True) | models.Q(cost__gte=0),
                name="renewal_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def tree_node(self):
        return (
            self.community.street_id,
            self.community_id,
            self.compound_id,
            f"{self.community} · {self}",
        )


class BookingSeries(models.Model):
    """A recurring booking: an RFC 5545 rule expanded into Bookings, all or nothing.

    `skipped` lists the dates left out, each `{"starts_at": iso, "reason": code, "message": text}`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="series"
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked for"),
        on_delete=models.PROTECT,
        related_name="booking_series",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    household = models.ForeignKey(
        "places.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("attendees"), validators=[MinValueValidator(1)])
    rrule = models.CharField(_("repeat rule (RFC 5545)"), max_length=500)
    first_starts_at = models.DateTimeField(_("first starts"))
    duration_minutes = models.PositiveIntegerField(_("length (minutes)"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of times"), null=True, blank=True)
    skipped = models.JSONField(_("skipped dates"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")

    def __str__(self) -> str:
        return f"{self.space} · {self.purpose}"

    def tree_node(self):
        return self.space.tree_node()


class BookingQuerySet(models.QuerySet):
    def visible_to(self, actor, capability: Capability | None = None):
        """Bookings of spaces where the actor holds `capability` (by default the staff
        capability VIEW_SPACE_FIGURES, which residents and volunteers lack), plus their own."""
        from silin.core.scoping import scope_for

        scope = scope_for(actor, capability or Capability.VIEW_SPACE_FIGURES)
        own = models.Q(booker_id=getattr(actor, "pk", None)) if actor else models.Q(pk__in=[])
        return self.filter(
            scope.q(street="community__street_id", community="community_id", compound="compound_id")
            | own
        )

    def holding(self):
        return self.filter(status__in=Booking.CONFIRMED_STATES)

    def overlapping(self, starts_at, ends_at):
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Booking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Booked")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        CHECKED_IN = "checked_in", _("Checked in")
        NO_SHOW = "no_show", _("Not used (released)")

    # States that hold the slot; the PostgreSQL exclusion constraint covers exactly these.
    CONFIRMED_STATES = (Status.APPROVED, Status.CHECKED_IN)
    # States whose slot a new request must not overlap (requests may compete with requests).
    LIVE_STATES = (Status.REQUESTED, Status.APPROVED, Status.CHECKED_IN)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="bookings"
    )
    # Repeat the space's place in the tree so scoped lists and figures need no join.
    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    compound = models.ForeignKey(
        "places.Compound",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked for"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("attendees"), validators=[MinValueValidator(1)])
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_order"
            ),
            # The exclusion constraint booking_no_overlap lives in migration 0001 only
            # (PostgreSQL); SQLite could not create it.
        ]
        indexes = [
            models.Index(fields=["space", "starts_at"]),
            models.Index(fields=["booker", "starts_at"]),
            models.Index(fields=["community", "status", "starts_at"]),
            models.Index(fields=["household", "starts_at"]),
            models.Index(fields=["organization", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.space} · {self.starts_at:%Y-%m-%d %H:%M}"

    def tree_node(self):
        return self.space.tree_node()

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class WaitlistEntry(models.Model):
    """Someone waiting for a taken slot; offered it, first come first served, when freed."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        CLAIMED = "claimed", _("Claimed")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="waitlist"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    household = models.ForeignKey(
        "places.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("attendees"), validators=[MinValueValidator(1)])
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="waitlist_order"
            ),
            models.UniqueConstraint(
                fields=["space", "user", "starts_at", "ends_at"],
                condition=models.Q(state__in=["waiting", "offered"]),
                name="waitlist_once_per_slot",
            ),
        ]
        indexes = [models.Index(fields=["space", "state", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.space} · {self.starts_at:%Y-%m-%d %H:%M} · {self.user}"

    def tree_node(self):
        return self.space.tree_node()


class PersonalFeed(models.Model):
    """The token of a user's personal calendar feed of their bookings (rotatable)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
