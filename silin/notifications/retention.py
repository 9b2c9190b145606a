"""Notices are deleted once they are older than their period, read or not."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from silin.core import retention
from silin.notifications.models import Notification


def notifications_rule(cutoff: dt.datetime, apply: bool) -> int:
    old = Notification.objects.filter(created_at__lt=cutoff)
    if not apply:
        return old.count()
    return old.delete()[0]


def register() -> None:
    retention.register(
        "notifications.notices",
        setting="SILIN_NOTIFICATION_RETENTION_DAYS",
        label=_("Notices to users: deleted"),
        rule=notifications_rule,
    )
