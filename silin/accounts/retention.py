"""The accounts' retention rule: one-time login codes are deleted after their period."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from silin.accounts.models import OneTimeCode
from silin.core import retention


def one_time_codes_rule(cutoff: dt.datetime, apply: bool) -> int:
    old = OneTimeCode.objects.filter(created_at__lt=cutoff)
    if not apply:
        return old.count()
    return old.delete()[0]


def register() -> None:
    retention.register(
        "accounts.one_time_codes",
        setting="SILIN_OTP_RETENTION_DAYS",
        label=_("One-time login codes: deleted"),
        rule=one_time_codes_rule,
    )
