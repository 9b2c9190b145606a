"""The needs register: help requests, the matching runs and the proposals they make.

A request is for one resident (the requester) at their household, raised by them, a family
member acting for them, a grid member or a worker. Its states move only through
`services.requests` and `services.matching`:

    open -> proposed -> accepted -> in_progress -> done
      any state before done -> cancelled;  open or proposed past its window -> expired
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from silin.mutualaid.models.helpers import HelperProfile, Skill


class HelpRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a helper")
        PROPOSED = "proposed", _("Helper proposed")
        ACCEPTED = "accepted", _("Helper on the way")
        IN_PROGRESS = "in_progress", _("Being helped")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("When convenient")
        SOON = "soon", _("Soon")
        URGENT = "urgent", _("Urgent")

    class RaisedAs(models.TextChoices):
        SELF = "self", _("By the resident")
        FAMILY = "family", _("By a family member")
        GRID = "grid", _("By the grid member")
        WORKER = "worker", _("By a worker")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        "people.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="help_requests",
    )
    # The requester's household when asked: the building, unit, floor and door.
    household = models.ForeignKey(
        "places.Household", on_delete=models.PROTECT, related_name="+", editable=False
    )
    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_as = models.CharField(max_length=10, choices=RaisedAs.choices, default=RaisedAs.SELF)
    kind = models.CharField(_("what help"), max_length=20, choices=Skill.choices)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    agreed_minutes = models.PositiveSmallIntegerField(
        _("time needed (minutes)"),
        default=60,
        validators=[MinValueValidator(10), MaxValueValidator(480)],
    )
    repeats_weekly = models.BooleanField(_("every week"), default=False)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_occurrence"
    )
    # Seen only by the matched helper (after accepting) and the community's workers.
    notes = models.TextField(_("notes for the helper"), blank=True, max_length=500)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    helper = models.ForeignKey(
        HelperProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    state_changed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window_start", "id"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(fields=["community", "state", "window_start"], name="helpreq_board"),
            models.Index(fields=["requester", "-window_start"], name="helpreq_requester"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="helpreq_window_order"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["accepted", "in_progress", "done"])
                | Q(helper__isnull=False),
                name="helpreq_helper_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.requester}"

    def tree_node(self):
        return self.household.tree_node()

    @property
    def is_live(self) -> bool:
        return self.state in (self.State.OPEN, self.State.PROPOSED)

    @staticmethod
    def urgency_rank(prefix: str = "") -> models.Case:
        """Urgent first, then soon, then when convenient (the codes sort otherwise)."""
        field = f"{prefix}urgency"
        return models.Case(
            models.When(**{field: "urgent"}, then=0),
            models.When(**{field: "soon"}, then=1),
            default=2,
            output_field=models.IntegerField(),
        )


class MatchingRun(models.Model):
    """One batch of the optimal assignment over a community's (or street's) open requests."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    street = models.ForeignKey("places.Street", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "places.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    needs = models.PositiveIntegerField(default=0)
    helpers = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    total_cost = models.PositiveIntegerField(default=0)
    milliseconds = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.matched}/{self.needs}"

    def tree_node(self):
        return (self.community or self.street).tree_node()


class Proposal(models.Model):
    """A helper proposed for a request, with the reasons as codes (rendered when read)."""

    class State(models.TextChoices):
        # Words other apps translate otherwise ("Declined" a correction): their own context.
        PROPOSED = "proposed", pgettext_lazy("helper proposal", "Proposed")
        CONFIRMED = "confirmed", pgettext_lazy("helper proposal", "Sent to the helper")
        ACCEPTED = "accepted", pgettext_lazy("helper proposal", "Accepted")
        DECLINED = "declined", pgettext_lazy("helper proposal", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("helper proposal", "Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(
        MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="proposals")
    helper = models.ForeignKey(HelperProfile, on_delete=models.CASCADE, related_name="proposals")
    cost = models.PositiveIntegerField()
    reasons = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["request", "-created_at"]
        constraints = [
            # One live proposal per request: a second batch cannot propose twice.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state__in=["proposed", "confirmed"]),
                name="proposal_one_live",
            ),
        ]
        indexes = [models.Index(fields=["helper", "state"], name="proposal_helper_state")]

    def __str__(self) -> str:
        return f"{self.helper} → {self.request}"

    def tree_node(self):
        return self.request.tree_node()
