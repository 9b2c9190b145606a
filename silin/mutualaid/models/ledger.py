"""Service records and the time bank's double-entry books.

Every transfer is two or more movements that sum to zero; a transfer and its movements are
never changed or removed once written (database triggers, `silin.mutualaid.ledger_guard`);
a correction is a reversing transfer. An account's `balance` is the sum of its movements,
kept in step under the account's row lock by `services.ledger`, and bounded by database
checks: a person holds 0 to 1,500 hours (Nanjing's time bank's cap), a pool or the
redeemed account never goes below zero, the community's issuing account never above.
All amounts are minutes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from silin.mutualaid.models.helpers import HelperProfile
from silin.mutualaid.models.needs import HelpRequest

STORAGE_CAP_MINUTES = 1500 * 60


class ServiceRecord(models.Model):
    """One service given: checked in and out, then confirmed by the person helped."""

    class State(models.TextChoices):
        STARTED = "started", _("Checked in")
        PENDING = "pending", _("Waiting for confirmation")
        ACCEPTED = "accepted", _("Confirmed")
        COMMITTED = "committed", _("Hours credited")
        REJECTED = "rejected", _("Not confirmed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(
        HelpRequest, on_delete=models.PROTECT, related_name="service_record"
    )
    helper = models.ForeignKey(HelperProfile, on_delete=models.PROTECT, related_name="services")
    recipient = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="services_received"
    )
    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    agreed_minutes = models.PositiveSmallIntegerField()
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The hours the helper claims, at most the time between check-in and check-out.
    claimed_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.STARTED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_accepted = models.BooleanField(default=False)
    reject_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_in_at"]
        indexes = [
            models.Index(fields=["state", "checked_out_at"], name="service_pending"),
            models.Index(fields=["helper", "-checked_in_at"], name="service_helper"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=F("checked_in_at")),
                name="service_out_after_in",
            ),
            models.CheckConstraint(
                condition=Q(claimed_minutes__isnull=True) | Q(claimed_minutes__gt=0),
                name="service_claim_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.recipient}"

    def tree_node(self):
        return self.recipient.tree_node()


class Account(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Personal account")
        ISSUER = "issuer", _("Hours issued by the community")
        POOL = "pool", _("Donation pool")
        REDEEMED = "redeemed", _("Hours redeemed for services")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    resident = models.OneToOneField(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_account",
    )
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person", resident__isnull=False)
                | (~Q(kind="person") & Q(resident__isnull=True)),
                name="account_person_has_resident",
            ),
            models.UniqueConstraint(
                fields=["community", "kind"],
                condition=~Q(kind="person"),
                name="account_one_per_community_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="person") | Q(balance__gte=0, balance__lte=STORAGE_CAP_MINUTES),
                name="account_person_within_cap",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["pool", "redeemed"]) | Q(balance__gte=0),
                name="account_pool_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind="issuer") | Q(balance__lte=0), name="account_issuer_not_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def tree_node(self):
        return self.community.tree_node()


class Transfer(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Hours for a service given")
        OVERFLOW = "overflow", _("Hours over the cap, to the pool")
        DONATION = "donation", _("Donation to the pool")
        FAMILY = "family", _("Transfer to a family member")
        REDEMPTION = "redemption", _("Redeemed for a service")
        GRANT = "grant", _("From the pool")
        REVERSAL = "reversal", _("Correction")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A code and plain params (rendered when read), never a sentence.
    reason = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uuid}"

    def tree_node(self):
        return self.community.tree_node()


class Movement(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="movements")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="movements")
    amount = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"], name="movement_statement")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="movement_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount:+d}"


class Certificate(models.Model):
    """A volunteer service record certificate (志愿服务记录证明, MCA Order No. 67): who, what
    service, how many hours, who issued it and its number, verifiable by that number."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=32, unique=True)
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="volunteer_certificates"
    )
    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    minutes = models.PositiveIntegerField()
    services = models.PositiveIntegerField()
    # Minutes by kind of service, {"shopping": 120, ...}: the service content.
    content = models.JSONField(default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number

    def tree_node(self):
        return self.community.tree_node()
