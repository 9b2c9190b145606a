from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silin.core.roles import Capability
from silin.core.scoping import scope_for


class AppendOnlyError(RuntimeError):
    """The audit log is never edited or deleted through the application."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def visible_to(self, actor):
        scope = scope_for(actor, Capability.VIEW_AUDIT)
        return self.filter(scope.q(street="street_id", community="community_id"))


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        REVEAL = "reveal", _("Revealed personal details")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED = "locked", _("Account locked")
        GRANT = "grant", _("Granted")
        REVOKE = "revoke", _("Revoked")
        EXPORT = "export", _("Exported")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=120, blank=True)
    # Set when a proxy (亲情账号) acted for this person: `actor` is the proxy.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # db_default: bulk writers (workbooks.importer) insert rows naming their own columns.
    on_behalf_of_label = models.CharField(
        _("on behalf of"), max_length=120, blank=True, default="", db_default=""
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, db_index=True)
    object_uuid = models.CharField(_("object"), max_length=40, blank=True, db_index=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    street_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    community_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    compound_id = models.BigIntegerField(null=True, blank=True)
    node_label = models.CharField(_("where"), max_length=200, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["object_type", "object_uuid", "-created_at"]),
            models.Index(
                fields=["on_behalf_of", "-created_at"],
                condition=models.Q(on_behalf_of__isnull=False),
                name="audit_on_behalf_of",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")
