from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silin.core.roles import Capability
from silin.lib import crypto, masking
from silin.lib.chinese import to_traditional
from silin.lib.dates import age_on
from silin.places.models import Community, Household, ScopedQuerySet

# A guardian must be an adult, and decides consents for a child under CHILD_CONSENT_AGE.
ADULT_AGE = 18
CHILD_CONSENT_AGE = 14


class Tag(models.Model):
    """An entry of the managed dictionary of resident tags (高龄, 独居, 低保 ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Health, disability and welfare tags need separate consent."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = get_language() or "zh-hans"
        if lang.startswith("en"):
            return self.name_en
        if lang == "zh-hant":
            return to_traditional(self.name)
        return self.name


class ResidentQuerySet(ScopedQuerySet):
    scope_paths = {
        "street": "community__street_id",
        "community": "community_id",
        "compound": "household__compound_id",
    }
    capability = Capability.VIEW_REGISTER

    def living(self):
        return self.filter(status=Resident.Status.LIVING)

    def name_starts_with(self, prefix: str):
        """Residents whose name starts with `prefix`, using the (community, name) index.

        PostgreSQL answers LIKE 'prefix%' from the varchar_pattern_ops index; SQLite's LIKE
        is case-insensitive and cannot use a BINARY index, but a range over the UTF-8 byte
        order selects exactly the names with that prefix and can.
        """
        prefix = prefix.strip()
        if not prefix:
            return self
        if connection.vendor == "postgresql":
            return self.filter(name__startswith=prefix)
        return self.filter(name__gte=prefix, name__lt=prefix + "\U0010ffff")


class Resident(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        LIVING = "living", _("Living here")
        MOVED_OUT = "moved_out", _("Moved out")
        DECEASED = "deceased", _("Deceased")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Sibling")
        CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
        TENANT = "tenant", _("Tenant")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), db_index=True)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, blank=True)
    mobile_encrypted = models.TextField(editable=False, blank=True)
    mobile_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="residents"
    )
    # Repeats household.community so that the register, a street's largest table, is scoped
    # and searched by name without joining households (services keep it in step).
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="residents", editable=False
    )
    relation = models.CharField(
        _("relation to the head"), max_length=20, choices=Relation.choices, default=Relation.HEAD
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LIVING
    )
    # When `status` last changed: the retention period of a resident who moved out or died
    # runs from here (services keep it in step with `status`).
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [
            models.Index(
                fields=["community", "name", "household"],
                name="resident_community_name",
                opclasses=["", "varchar_pattern_ops", ""],
            ),
            models.Index(fields=["community", "birth_date"], name="resident_community_birth"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="resident_id_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    # Personal details: decrypted on demand; callers decide whether to mask.
    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_encrypted)

    @property
    def id_number_masked(self) -> str:
        return masking.mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return masking.mask_mobile(self.mobile)

    def set_id_number(self, value: str) -> None:
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_hash = crypto.lookup_hash(value)

    def set_mobile(self, value: str) -> None:
        self.mobile_encrypted = crypto.encrypt(value)
        self.mobile_hash = crypto.lookup_hash(value)

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def tree_node(self):
        h = self.household
        return h.community.street_id, h.community_id, h.compound_id, h.tree_node()[3]


class Guardian(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    minor = models.ForeignKey(
        Resident, verbose_name=_("minor"), on_delete=models.CASCADE, related_name="guardians"
    )
    guardian = models.ForeignKey(
        Resident, verbose_name=_("guardian"), on_delete=models.CASCADE, related_name="wards"
    )
    relation = models.CharField(_("relation"), max_length=40)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(fields=["minor", "guardian"], name="guardian_unique"),
            models.CheckConstraint(
                condition=~models.Q(minor=models.F("guardian")), name="guardian_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.minor}"


class Consent(models.Model):
    class Purpose(models.TextChoices):
        REGISTER = "register", _("Keeping the household register")
        CONTACT = "contact", _("Being contacted by the community")
        SENSITIVE_TAGS = "sensitive_tags", _("Recording health, disability and welfare tags")
        ACTIVITIES = "activities", _("Taking part in activities and services")
        PHOTOS = "photos", _("Photos in community publicity")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    given_by = models.ForeignKey(
        Resident,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The guardian who consented for a minor, if not the resident."),
    )

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_purpose_display()}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def sensitive(self) -> bool:
        return self.purpose == self.Purpose.SENSITIVE_TAGS


class CorrectionRequestQuerySet(ScopedQuerySet):
    scope_paths = {
        "street": "community__street_id",
        "community": "community_id",
        "compound": "resident__household__compound_id",
    }
    # The workers who may correct the register are the ones who see the requests.
    capability = Capability.EDIT_REGISTER


class CorrectionRequest(models.Model):
    """A resident's request to correct one field of their register record (PIPL art. 46)."""

    class Field(models.TextChoices):
        NAME = "name", _("Name")
        GENDER = "gender", _("Gender")
        BIRTH_DATE = "birth_date", _("Date of birth")
        ID_NUMBER = "id_number", _("ID number")
        MOBILE = "mobile", _("Mobile number")
        RELATION = "relation", _("Relation to the head of household")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the community")
        APPLIED = "applied", _("Corrected")
        DECLINED = "declined", _("Declined")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="correction_requests",
    )
    # Repeats resident.community so the workers' to-do list is scoped without joins.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False
    )
    field = models.CharField(_("what to correct"), max_length=20, choices=Field.choices)
    # The value asked for may be an ID number or a mobile number: stored encrypted.
    requested_value_encrypted = models.TextField(editable=False, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [
            models.Index(fields=["community", "status", "-created_at"], name="correction_todo")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="correction_declined_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_field_display()}"

    @property
    def requested_value(self) -> str:
        return crypto.decrypt(self.requested_value_encrypted)

    def set_requested_value(self, value: str) -> None:
        self.requested_value_encrypted = crypto.encrypt(value) if value else ""

    def tree_node(self):
        return self.resident.tree_node()


# Family proxies live in their own module; imported here so Django finds the models.
from silin.people.proxy_models import ActingUser, ProxyLink  # noqa: E402, F401
