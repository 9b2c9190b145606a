from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.places.models import Community, Compound, ScopedQuerySet


class OrganizationQuerySet(ScopedQuerySet):
    scope_paths = {"street": "community__street_id", "community": "community_id", "compound": None}
    capability = Capability.VIEW_ORGANIZATIONS

    def visible_to(self, actor, capability: Capability | None = None):
        scope = scope_for(actor, capability or self.capability)
        if scope.everything:
            return self
        # Someone assigned at a compound sees the organisations of its community.
        communities = set(scope.community_ids) | set(
            Compound.objects.filter(id__in=scope.compound_ids).values_list(
                "community_id", flat=True
            )
        )
        return self.filter(
            models.Q(community__street_id__in=scope.street_ids)
            | models.Q(community_id__in=communities)
        )


class Organization(models.Model):
    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered social organisation")
        FILED = "filed", _("Filed community organisation")

    class Field(models.TextChoices):
        CULTURE_SPORTS = "culture_sports", _("Culture and sports")
        PUBLIC_WELFARE = "public_welfare", _("Public welfare")
        VOLUNTEERING = "volunteering", _("Volunteering")
        MUTUAL_AID = "mutual_aid", _("Mutual aid")
        MEDIATION = "mediation", _("Mediation")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    leader = models.ForeignKey(
        "people.Resident",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_organizations",
    )
    members = models.ManyToManyField(
        "people.Resident",
        verbose_name=_("members"),
        through="Membership",
        related_name="organizations",
        blank=True,
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="organization_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return self.community.street_id, self.community_id, None, f"{self.community} · {self}"


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE
    )
    resident = models.ForeignKey(
        "people.Resident", verbose_name=_("resident"), on_delete=models.CASCADE
    )
    joined_on = models.DateField(_("joined on"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "resident"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.organization}"
