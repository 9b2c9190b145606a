from __future__ import annotations

import uuid
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silin.notifications import kinds


class Notification(models.Model):
    """A notice to one user (a booking approved, a reminder ...); optionally also by SMS.

    It holds a kind and plain params, and is rendered when read (see `kinds`). Notices
    stored before that (migration 0002) kept the sentence composed when they were sent, in
    the recipient's language of the day: `legacy_title` and friends, shown as they are.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A copy of a notice sent to this user, for a family proxy who receives their notices.
    copy_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("a copy of a notice to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=kinds.KIND_MAX_LENGTH)
    params = models.JSONField(_("details"), default=dict, blank=True)
    # Only notices sent before they were rendered when read; empty on every new one.
    legacy_title = models.CharField(_("title (old notices)"), max_length=200, blank=True)
    legacy_body = models.TextField(_("message (old notices)"), blank=True)
    legacy_url = models.CharField(_("link (old notices)"), max_length=500, blank=True)
    sms = models.BooleanField(_("also sent by SMS"), default=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.rendered.title

    @cached_property
    def rendered(self) -> kinds.Rendered:
        """Title, body and link in the language (and time zone) active when first read."""
        if self.legacy_title:
            return kinds.Rendered(self.legacy_title, self.legacy_body, self.legacy_url)
        return kinds.render(self.kind, self.params)
