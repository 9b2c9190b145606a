"""Retention periods per kind of record, and what `manage.py apply_retention` does with them.

Each kind of record has a setting in days (config/settings.py, from the environment, named
`SILIN_<KIND>_RETENTION_DAYS`) and a *rule*: a function `(cutoff, apply) -> int` that
counts the records older than `cutoff` and, when `apply` is true, erases or deletes them,
returning how many it acted on. An app whose records expire registers its rule in its
`AppConfig.ready()`, without editing core::

    # silin/workbooks/retention.py, called from WorkbooksConfig.ready()
    def register():
        retention.register(
            "workbooks.import_files",
            setting="SILIN_IMPORT_FILE_RETENTION_DAYS",
            label=_("Uploaded import workbooks and error reports: deleted"),
            rule=import_files_purge,
        )

A retention setting with no rule is listed by the command as "no rule", and a test fails on
it, so a period that nothing enforces never goes unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from silin.core import audit, audit_guard
from silin.core.models import AuditEntry

Rule = Callable[[dt.datetime, bool], int]
SETTING_NAME = re.compile(r"^SILIN_[A-Z_]+_RETENTION_DAYS$")


def retention_settings() -> list[str]:
    """Every retention period the settings define, whether or not a rule enforces it."""
    return sorted(name for name in dir(settings) if SETTING_NAME.match(name))


@dataclass(frozen=True)
class Registration:
    key: str
    setting: str
    label: str | Promise
    rule: Rule

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting))


_registry: dict[str, Registration] = {}


def register(key: str, *, setting: str, label: str | Promise, rule: Rule) -> None:
    if not SETTING_NAME.match(setting):
        raise ValueError(f"{setting} is not a retention setting (SILIN_*_RETENTION_DAYS).")
    _registry[key] = Registration(key=key, setting=setting, label=label, rule=rule)


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registrations() -> list[Registration]:
    return [_registry[k] for k in sorted(_registry)]


def unenforced_settings() -> list[str]:
    enforced = {r.setting for r in _registry.values()}
    return [s for s in retention_settings() if s not in enforced]


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


def audit_rule(cutoff: dt.datetime, apply: bool) -> int:
    """Audit entries older than the period (never less than six months) are deleted, and
    the purge itself is recorded with the number it removed."""
    if not apply:
        return AuditEntry.objects.filter(created_at__lt=cutoff).count()
    with transaction.atomic():
        count = audit_guard.purge_before(cutoff)
        if count:
            audit.record(
                actor=None,
                action="delete",
                object_type="core.auditentry",
                detail=f"retention: {count} entries before {cutoff:%Y-%m-%d}",
            )
    return count


def task_results_rule(cutoff: dt.datetime, apply: bool) -> int:
    """Finished background tasks (their arguments and any traceback) are deleted; tasks
    still waiting or running are never touched."""
    old = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    )
    if not apply:
        return old.count()
    return old.delete()[0]


def register_defaults() -> None:
    register(
        "core.audit",
        setting="SILIN_AUDIT_RETENTION_DAYS",
        label=_("Audit log entries: deleted"),
        rule=audit_rule,
    )
    register(
        "core.task_results",
        setting="SILIN_TASK_RESULT_RETENTION_DAYS",
        label=_("Finished background tasks: deleted"),
        rule=task_results_rule,
    )
