"""Retention periods per kind of record, and what `manage.py apply_retention` does with them.

Each kind of record has a setting in days (config/settings.py, from the environment) and a
*rule*: a function `(cutoff, apply) -> int` that counts the records older than `cutoff`
and, when `apply` is true, erases or deletes them, returning how many it acted on. Apps
whose records expire register a rule when they are ready, without editing people code::

    # silin/workbooks/apps.py
    def ready(self):
        from silin.people import retention
        from silin.workbooks.services import import_files_purge

        retention.register(
            "workbooks.import_files",
            setting="SILIN_IMPORT_FILE_RETENTION_DAYS",
            label="Uploaded import workbooks and error reports",
            rule=import_files_purge,
        )

Settings with no rule registered are listed by the command as "no rule", so a period that
nothing enforces is visible rather than silently ignored.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

Rule = Callable[[dt.datetime, bool], int]

# Every retention setting, whether or not an installed app enforces it yet.
SETTINGS = (
    "SILIN_RESIDENT_RETENTION_DAYS",
    "SILIN_AUDIT_RETENTION_DAYS",
    "SILIN_OTP_RETENTION_DAYS",
    "SILIN_NOTIFICATION_RETENTION_DAYS",
    "SILIN_IMPORT_FILE_RETENTION_DAYS",
)


@dataclass(frozen=True)
class Registration:
    key: str
    setting: str
    label: str
    rule: Rule

    @property
    def days(self) -> int:
        return getattr(settings, self.setting)


_registry: dict[str, Registration] = {}


def register(key: str, *, setting: str, label: str, rule: Rule) -> None:
    if setting not in SETTINGS:
        raise ValueError(f"Unknown retention setting {setting}; add it to SETTINGS.")
    _registry[key] = Registration(key=key, setting=setting, label=label, rule=rule)


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registrations() -> list[Registration]:
    return [_registry[k] for k in sorted(_registry)]


def unenforced_settings() -> list[str]:
    enforced = {r.setting for r in _registry.values()}
    return [s for s in SETTINGS if s not in enforced]


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    cutoff: dt.datetime
    count: int


def run(*, apply: bool, now: dt.datetime | None = None) -> list[Outcome]:
    """Counts (and with `apply`, acts on) what each rule finds past its period."""
    now = now or timezone.now()
    outcomes = []
    for registration in registrations():
        cutoff = now - dt.timedelta(days=registration.days)
        outcomes.append(Outcome(registration, cutoff, registration.rule(cutoff, apply)))
    return outcomes


# --- the rules of people, accounts and the audit log ----------------------------------------


def residents_rule(cutoff: dt.datetime, apply: bool) -> int:
    """Former residents past the period are anonymised (see services.resident_anonymise)."""
    from silin.people.models import Resident
    from silin.people.services import resident_anonymise

    due = (
        Resident.objects.exclude(status=Resident.Status.LIVING)
        .filter(anonymised_at__isnull=True, status_changed_at__lte=cutoff)
        .select_related("household__community")
    )
    if not apply:
        return due.count()
    done = 0
    for resident in due.iterator(chunk_size=500):
        resident_anonymise(actor=None, resident=resident, by_retention=True)
        done += 1
    return done


def _append_only_trigger():
    return importlib.import_module("silin.core.migrations.0002_audit_append_only_trigger")


def _purge_audit_before(cutoff: dt.datetime) -> int:
    """Deletes entries older than `cutoff`: the one way an audit entry ever leaves.

    The database refuses to delete audit entries (core migration 0002's trigger). The purge
    lifts that guard for its own transaction only: drop the trigger, delete, put the trigger
    back, commit. DDL is transactional on PostgreSQL and SQLite, so no other connection ever
    sees the table unguarded; on PostgreSQL DROP TRIGGER also locks the table until commit.
    """
    trigger = _append_only_trigger()
    vendor = connection.vendor
    drop = [trigger.DROP] if vendor == "postgresql" else trigger.SQLITE_DROP
    create = [trigger.CREATE] if vendor == "postgresql" else trigger.SQLITE_CREATE
    table = connection.ops.quote_name("core_auditentry")
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {table} WHERE created_at < %s", [cutoff])  # noqa: S608
        count = cursor.rowcount
        for sql in create:
            cursor.execute(sql)
    return count


def audit_rule(cutoff: dt.datetime, apply: bool) -> int:
    """Audit entries older than the period (never less than six months) are deleted, and
    the purge itself is recorded with the number it removed."""
    from silin.core import audit
    from silin.core.models import AuditEntry

    if not apply:
        return AuditEntry.objects.filter(created_at__lt=cutoff).count()
    with transaction.atomic():
        count = _purge_audit_before(cutoff)
        if count:
            audit.record(
                actor=None,
                action="delete",
                object_type="core.auditentry",
                detail=f"retention: {count} entries before {cutoff:%Y-%m-%d}",
            )
    return count


def one_time_codes_rule(cutoff: dt.datetime, apply: bool) -> int:
    from silin.accounts.models import OneTimeCode

    old = OneTimeCode.objects.filter(created_at__lt=cutoff)
    if not apply:
        return old.count()
    return old.delete()[0]


def register_defaults() -> None:
    register(
        "people.residents",
        setting="SILIN_RESIDENT_RETENTION_DAYS",
        label="Residents who moved out or died: anonymised",
        rule=residents_rule,
    )
    register(
        "core.audit",
        setting="SILIN_AUDIT_RETENTION_DAYS",
        label="Audit log entries: deleted",
        rule=audit_rule,
    )
    register(
        "accounts.one_time_codes",
        setting="SILIN_OTP_RETENTION_DAYS",
        label="One-time login codes: deleted",
        rule=one_time_codes_rule,
    )
