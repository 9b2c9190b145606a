"""An import of the register from a workbook, followed from upload to the last row written."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silin.core.roles import Capability
from silin.places.models import ScopedQuerySet
from silin.workbooks import messages


class ImportJobQuerySet(ScopedQuerySet):
    # A job belongs to the node the uploader holds import rights at; scoping by the
    # uploader alone would hide a colleague's job from the worker who must finish it, so
    # jobs carry the community they were uploaded for and always its street.
    scope_paths = {"street": "street_id", "community": "community_id", "compound": None}
    capability = Capability.IMPORT_REGISTER


class ImportJob(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        FAILED = "failed", _("Has errors")
        APPLYING = "applying", _("Writing to the register")
        DONE = "done", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    RUNNING = (State.UPLOADED, State.CHECKING, State.APPLYING)
    FINISHED = (State.FAILED, State.DONE, State.CANCELLED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    street = models.ForeignKey(
        "places.Street", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "places.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    filename = models.CharField(_("file name"), max_length=200)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300)
    file_sha256 = models.CharField(max_length=64, blank=True)
    error_file = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.UPLOADED
    )
    apply_when_checked = models.BooleanField(
        _("apply without a preview"),
        default=False,
        help_text=_("Write to the register as soon as the check finds no error."),
    )
    cancel_requested = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    to_create = models.PositiveIntegerField(_("residents to add"), default=0)
    to_update = models.PositiveIntegerField(_("residents to update"), default=0)
    unchanged = models.PositiveIntegerField(_("residents unchanged"), default=0)
    households_to_create = models.PositiveIntegerField(_("households to add"), default=0)
    # A file-level problem (not xlsx, missing header ...), no error workbook: a code of
    # silin.workbooks.messages and its params, rendered in the reader's language (`message`).
    message_code = models.CharField(_("problem"), max_length=50, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    # The first errors ({row, column, code, params}) and the field-by-field preview of the
    # first updates, for the page.
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.filename

    @property
    def message(self) -> str:
        """The file-level problem in the active language, or ""."""
        if not self.message_code:
            return ""
        return messages.render(self.message_code, self.message_params)

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING

    @property
    def percent(self) -> int | None:
        """None while the number of rows is unknown (a sheet without a dimension)."""
        if not self.rows_total:
            return None
        # Both passes read every row; the writing pass may write few of them (updates of
        # unchanged residents are skipped), so progress is the rows read.
        return min(100, round(100 * self.rows_checked / self.rows_total))

    def tree_node(self):
        community = self.community
        if community is not None:
            return community.street_id, community.pk, None, str(community)
        return self.street_id, None, None, str(self.street or "")
