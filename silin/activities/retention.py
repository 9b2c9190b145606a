"""Sign-ups to activities that ended before the period are deleted (the events stay)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from silin.activities.models import SignUp
from silin.core import retention


def signups_rule(cutoff: dt.datetime, apply: bool) -> int:
    old = SignUp.objects.filter(event__ends_at__lt=cutoff)
    if not apply:
        return old.count()
    return old.delete()[0]


def register() -> None:
    retention.register(
        "activities.signups",
        setting="SILIN_ACTIVITY_SIGNUP_RETENTION_DAYS",
        label=_("Sign-ups to activities: deleted"),
        rule=signups_rule,
    )
