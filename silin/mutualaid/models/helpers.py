"""Helpers: a volunteer's profile, the teams they serve in and courtyard alliances."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Skill(models.TextChoices):
    """What help is asked for, and what a helper offers: one list for both."""

    SHOPPING = "shopping", _("Shopping")
    ESCORT = "escort", _("Escort to hospital")
    REPAIRS = "repairs", _("Small repairs")
    VISIT = "visit", _("A visit")
    COMPANIONSHIP = "companionship", _("Companionship")
    MEALS = "meals", _("Meals")
    TRANSPORT = "transport", _("Transport")
    PAPERWORK = "paperwork", _("Paperwork")
    OTHER = "other", _("Other")


class HelperQuerySet(models.QuerySet):
    def available(self):
        return self.filter(verified_at__isnull=False, paused=False, resident__status="living")


class HelperProfile(models.Model):
    """A resident who helps neighbours. A helper without a phone has no account: a worker
    logs their visits and services for them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.OneToOneField(
        "people.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="helper_profile",
    )
    # Repeats resident.community so that a community's helpers are found without a join.
    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="helper_profile",
    )
    skills = models.JSONField(_("skills"), default=list)
    # Weekly windows: [[weekday 0=Monday, start minute, end minute], ...]; empty = any time.
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    monthly_cap = models.PositiveSmallIntegerField(
        _("tasks a month at most"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    safety_trained_on = models.DateField(_("safety training done on"), null=True, blank=True)
    # 小老助大老: a helper serving the very old declares their own health first.
    health_declared_on = models.DateField(_("health declaration on"), null=True, blank=True)
    paused = models.BooleanField(_("paused"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HelperQuerySet.as_manager()

    class Meta:
        ordering = ["community", "id"]
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")

    def __str__(self) -> str:
        return self.resident.name

    def tree_node(self):
        return self.resident.tree_node()

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.skills if s in Skill.values]


class Alliance(models.Model):
    """院落互助联盟: compounds whose helpers serve each other's households."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=80)
    compounds = models.ManyToManyField(
        "places.Compound", verbose_name=_("compounds"), related_name="mutual_aid_alliances"
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinators"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("courtyard alliance")
        verbose_name_plural = _("courtyard alliances")

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return self.community.tree_node()


class Team(models.Model):
    class Kind(models.TextChoices):
        YOUNG_OLD = "young_old", _("Young-old help old-old (小老助大老)")
        ALLIANCE = "alliance", _("Courtyard alliance helpers")
        DOOR_TO_DOOR = "door_to_door", _("Door to door (门对门)")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("alliance"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    members = models.ManyToManyField(
        HelperProfile, verbose_name=_("members"), blank=True, related_name="teams"
    )
    # For a 小老助大老 team: the ages its helpers have and those it serves.
    helper_min_age = models.PositiveSmallIntegerField(
        _("helpers aged from"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    helper_max_age = models.PositiveSmallIntegerField(
        _("helpers aged up to"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    serves_from_age = models.PositiveSmallIntegerField(
        _("serves neighbours aged from"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def tree_node(self):
        return self.community.tree_node()
