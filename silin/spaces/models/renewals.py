"""Renewal records: how an idle site was turned into a shared space (微更新, 老旧院落改造)."""

from __future__ import annotations

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from silin.core.roles import Capability
from silin.places.models import ScopedQuerySet
from silin.spaces.models.spaces import Space


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
