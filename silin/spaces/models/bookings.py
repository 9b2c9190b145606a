"""Bookings of spaces: single bookings, repeating series, the waiting list, feed tokens.

The invariant "two confirmed bookings of one space never overlap" is held by the database
on PostgreSQL (an exclusion constraint over `tstzrange(starts_at, ends_at, '[)')` added by
migration 0001 for PostgreSQL only, see `CONFIRMED_STATES`) and by the single writer on
SQLite (`transaction_mode: IMMEDIATE`) around the check in `services.bookings.booking_create`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.spaces.models.spaces import Space, new_token


class BookingSeries(models.Model):
    """A recurring booking: an RFC 5545 rule expanded into Bookings, all or nothing.

    `skipped` lists the dates left out, each `{"starts_at": iso, "reason": code}`: a code, never
    a sentence, so whoever reads it later reads it in their own language.
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

    class DecisionCode(models.TextChoices):
        """Why the system (not a person) decided: rendered in the reader's language."""

        NONE = "", _("(none)")
        NOT_CHECKED_IN = "not_checked_in", _("Not checked in within the grace period.")
        OTHER_APPROVED = "other_approved", _("Another request for this time was approved.")

    # What a person wrote when deciding (kept as written); a system decision sets the code.
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decision_code = models.CharField(
        _("reason code"), max_length=20, choices=DecisionCode.choices, blank=True, default=""
    )
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
    def reason_text(self) -> str:
        """The reason in the reader's language: what a person wrote, or the system's code."""
        if self.decision_reason:
            return self.decision_reason
        return str(self.get_decision_code_display()) if self.decision_code else ""

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
