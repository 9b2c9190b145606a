"""Finished background tasks are deleted after their period; waiting ones never."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from silin.core import retention

pytestmark = pytest.mark.django_db


def _row(status: str, finished_days_ago: int | None) -> DBTaskResult:
    now = timezone.now()
    finished = None if finished_days_ago is None else now - dt.timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [1, now.isoformat()], "kwargs": {}},
        task_path="silin.accounts.tasks.send_lock_notice_task",
        backend_name="default",
        run_after=now,
        finished_at=finished,
    )


def _count(*, apply: bool) -> int:
    outcomes = retention.run(apply=apply)
    (outcome,) = [o for o in outcomes if o.registration.key == "core.task_results"]
    return outcome.count


def test_finished_tasks_past_their_period_are_deleted_and_waiting_ones_kept(settings):
    settings.SILIN_TASK_RESULT_RETENTION_DAYS = 30
    old_done = _row(TaskResultStatus.SUCCESSFUL, 31)
    old_failed = _row(TaskResultStatus.FAILED, 40)
    recent = _row(TaskResultStatus.SUCCESSFUL, 29)
    waiting = _row(TaskResultStatus.READY, None)
    assert _count(apply=False) == 2 and DBTaskResult.objects.count() == 4
    assert _count(apply=True) == 2
    kept = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert kept == {recent.pk, waiting.pk}
    assert old_done.pk not in kept and old_failed.pk not in kept


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
