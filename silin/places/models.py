from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from silin.core.roles import Capability
from silin.core.scoping import scope_for

nbs_code = RegexValidator(r"^\d{12}$", _("A statistical code has exactly 12 digits."))


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows each model's path to the tree levels."""

    scope_paths: dict[str, str | None] = {}
    capability = Capability.VIEW_PLACES

    def visible_to(self, actor, capability: Capability | None = None):
        scope = scope_for(actor, capability or self.capability)
        return self.filter(scope.q(**self.scope_paths))


class StreetQuerySet(ScopedQuerySet):
    scope_paths = {"street": "id", "community": None, "compound": None}

    def visible_to(self, actor, capability: Capability | None = None):
        scope = scope_for(actor, capability or self.capability)
        if scope.everything:
            return self
        # Anyone working below a street may see the street it belongs to.
        return self.filter(
            models.Q(id__in=scope.street_ids)
            | models.Q(communities__id__in=scope.community_ids)
            | models.Q(communities__compounds__id__in=scope.compound_ids)
        ).distinct()


class CommunityQuerySet(ScopedQuerySet):
    scope_paths = {"street": "street_id", "community": "id", "compound": "compounds__id"}

    def visible_to(self, actor, capability: Capability | None = None):
        return super().visible_to(actor, capability).distinct()


class CompoundQuerySet(ScopedQuerySet):
    scope_paths = {"street": "community__street_id", "community": "community_id", "compound": "id"}


class BuildingQuerySet(ScopedQuerySet):
    scope_paths = {
        "street": "compound__community__street_id",
        "community": "compound__community_id",
        "compound": "compound_id",
    }


class UnitQuerySet(ScopedQuerySet):
    scope_paths = {
        "street": "building__compound__community__street_id",
        "community": "building__compound__community_id",
        "compound": "building__compound_id",
    }


class HouseholdQuerySet(ScopedQuerySet):
    scope_paths = {
        "street": "community__street_id",
        "community": "community_id",
        "compound": "compound_id",
    }
    capability = Capability.VIEW_REGISTER


class GridQuerySet(ScopedQuerySet):
    scope_paths = {"street": "community__street_id", "community": "community_id", "compound": None}


class Street(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    county = models.CharField(_("county or district"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    code = models.CharField(_("statistical code"), max_length=12, blank=True, validators=[nbs_code])

    objects = StreetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="street_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return self.pk, None, None, self.name


class Community(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    code = models.CharField(_("statistical code"), max_length=12, blank=True, validators=[nbs_code])
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_name_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="community_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return self.street_id, self.pk, None, self.name


class Compound(models.Model):
    class Kind(models.TextChoices):
        ESTATE = "estate", _("Estate")
        COURTYARD = "courtyard", _("Courtyard")
        RESETTLEMENT = "resettlement", _("Resettlement compound")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="compounds"
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ESTATE)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = CompoundQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return self.community.street_id, self.community_id, self.pk, f"{self.community} · {self}"


class Building(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="buildings"
    )
    number = models.CharField(_("building"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        ordering = ["compound", "number"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="building_number_unique")
        ]

    def __str__(self) -> str:
        return _("Building %(number)s") % {"number": self.number}


class Unit(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="units"
    )
    number = models.CharField(_("unit"), max_length=20)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["building", "number"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_number_unique")
        ]

    def __str__(self) -> str:
        return _("Unit %(number)s") % {"number": self.number}


class Household(models.Model):
    """A dwelling and the people registered in it.

    `compound` and `community` repeat what the unit implies so that the register, the
    largest table a street has, filters by jurisdiction without four joins; services keep
    them in step with the unit.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="households"
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="households", editable=False
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="households", editable=False
    )
    floor = models.SmallIntegerField(_("floor"), validators=[MinValueValidator(-5)])
    door = models.CharField(_("door number"), max_length=20)
    area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "floor", "door"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["unit", "door"], name="household_door_unique")
        ]

    def __str__(self) -> str:
        return self.address_short

    @property
    def address_short(self) -> str:
        unit = self.unit
        return _("%(compound)s %(building)s-%(unit)s-%(door)s") % {
            "compound": self.compound.name,
            "building": unit.building.number,
            "unit": unit.number,
            "door": self.door,
        }

    def tree_node(self):
        return (
            self.community.street_id,
            self.community_id,
            self.compound_id,
            f"{self.community} · {self.address_short}",
        )


class Grid(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    buildings = models.ManyToManyField(
        Building, verbose_name=_("buildings"), related_name="grids", blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("grid members"), related_name="grids", blank=True
    )

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return self.community.street_id, self.community_id, None, f"{self.community} · {self}"
