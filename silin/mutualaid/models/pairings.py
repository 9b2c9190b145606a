"""Long-term pairs (邻里结对, 门对门牵手, 楼上楼下) and the visits logged on them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from silin.mutualaid.models.helpers import HelperProfile


class Pairing(models.Model):
    class Kind(models.TextChoices):
        PAIRING = "pairing", _("Neighbour pairing (邻里结对)")
        DOOR_TO_DOOR = "door_to_door", _("Door to door (门对门牵手)")
        UPSTAIRS_DOWNSTAIRS = "upstairs_downstairs", _("Upstairs and downstairs (楼上楼下)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PAIRING)
    helper = models.ForeignKey(
        HelperProfile, verbose_name=_("helper"), on_delete=models.CASCADE, related_name="pairings"
    )
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("neighbour visited"),
        on_delete=models.CASCADE,
        related_name="mutual_aid_pairings",
    )
    every_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # Kept in step by the visit services: the overdue list orders by it without a join.
    last_visit_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "started_on"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["helper", "resident"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_live",
            )
        ]
        indexes = [models.Index(fields=["community", "ended_on"], name="pairing_live")]

    def __str__(self) -> str:
        return f"{self.helper} ↔ {self.resident}"

    def tree_node(self):
        return self.resident.tree_node()


class Visit(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(_("visited at"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True when a worker logged it for a helper without a phone.
    by_worker = models.BooleanField(default=False)
    all_well = models.BooleanField(_("all well"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["pairing", "-visited_at"], name="visit_pairing_recent")]

    def __str__(self) -> str:
        return f"{self.pairing} {self.visited_at:%Y-%m-%d}"
