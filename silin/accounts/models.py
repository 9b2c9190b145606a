from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silin.core.roles import Role
from silin.lib import masking


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(mobile=mobile, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(mobile, password, **extra)


# One role a user holds, as the scopes need it: (role, street_id, community_id, compound_id,
# the node's street_id, the node's community_id).
RoleGrant = tuple[str, int | None, int | None, int | None, int | None, int | None]


class User(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mobile = models.CharField(_("mobile number"), max_length=11, unique=True)
    name = models.CharField(_("name"), max_length=50)
    resident = models.OneToOneField(
        "people.Resident",
        verbose_name=_("resident record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the back office"), default=False)
    elderly_mode = models.BooleanField(_("长辈版 (large text)"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The lock the owner was told about by SMS (once per lock, when a code was asked for).
    lock_notified_until = models.DateTimeField(null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The user's role assignments as `RoleGrant` lists, rewritten in the same transaction
    # by every write of them (`silin.accounts.signals`, `refresh_role_grants` for bulk
    # paths): read with the user by the token or session lookup, so the scopes of a request
    # cost no query. None: not computed yet (read from the assignments instead).
    role_grants_cache = models.JSONField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or masking.mask_mobile(self.mobile)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def mobile_masked(self) -> str:
        return masking.mask_mobile(self.mobile)

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))

    def active_role_assignments(self) -> list[RoleAssignment]:
        cached = self.__dict__.get("_silin_assignments")
        if cached is None:
            cached = list(
                self.role_assignments.select_related("street", "community", "compound__community")
            )
            self.__dict__["_silin_assignments"] = cached
        return cached

    def role_grants(self) -> tuple[RoleGrant, ...]:
        """The user's roles as the scopes need them; memoised per request."""
        memo = self.__dict__.get("_silin_grants")
        if memo is not None:
            return memo
        stored = self.role_grants_cache
        if stored is not None:
            grants = tuple(tuple(g) for g in stored)
        else:
            grants = tuple(_grant(a) for a in self.active_role_assignments())
        self.__dict__["_silin_grants"] = grants
        return grants

    @property
    def roles(self) -> set[str]:
        return {g[0] for g in self.role_grants()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


class RoleAssignment(models.Model):
    """A role held at exactly one node of the tree: a street, a community or a compound."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    street = models.ForeignKey(
        "places.Street", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        "places.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(street__isnull=False, community__isnull=True, compound__isnull=True)
                    | models.Q(street__isnull=True, community__isnull=False, compound__isnull=True)
                    | models.Q(street__isnull=True, community__isnull=True, compound__isnull=False)
                ),
                name="role_assignment_one_node",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "street", "community", "compound"],
                name="role_assignment_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.node}"

    @property
    def node(self):
        return self.street or self.community or self.compound

    def tree_node(self):
        node = self.node
        return node.tree_node() if node is not None else (None, None, None, "")


class OneTimeCode(models.Model):
    """A code sent by SMS, to log in or to set a new password; only its hash is stored."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Log in")
        PASSWORD_RESET = "password_reset", _("Set a new password")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.LOGIN)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class AccessToken(models.Model):
    """A personal access token for integrations; the secret is shown once, stored hashed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _grant(a: RoleAssignment) -> RoleGrant:
    home: tuple[int | None, int | None]
    if a.compound is not None:
        home = (a.compound.community.street_id, a.compound.community_id)
    elif a.community is not None:
        home = (a.community.street_id, a.community.pk)
    else:
        home = (a.street_id, None)
    return (a.role, a.street_id, a.community_id, a.compound_id, *home)


def refresh_role_grants(user_ids: Iterable[int]) -> dict[int, list[RoleGrant]]:
    """Rewrite the stored `role_grants_cache` of `user_ids` from their assignments.

    Each user's row is locked first, so two concurrent writers of one user's roles each
    read the other's committed assignments (the second waits for the first).
    """
    written: dict[int, list[RoleGrant]] = {}
    with transaction.atomic():
        for user_id in sorted(set(user_ids)):
            if not User.objects.select_for_update().filter(pk=user_id).exists():
                continue
            grants = [
                _grant(a)
                for a in RoleAssignment.objects.filter(user_id=user_id)
                .select_related("street", "community", "compound__community")
                .order_by("pk")
            ]
            User.objects.filter(pk=user_id).update(role_grants_cache=grants)
            written[user_id] = grants
    return written
