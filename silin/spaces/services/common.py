"""What every family of space writes shares: the errors, row locks and small helpers.

Bookings of one space are serialised: each booking write first locks the space's row
(`select_for_update`, PostgreSQL) or already holds SQLite's single write lock (the database
runs transactions `BEGIN IMMEDIATE`). On PostgreSQL the exclusion constraint
`booking_no_overlap` is the last word: a lost race surfaces as `SlotTaken`, never a 500.
Requests for approval-required spaces may compete with each other; confirmed bookings
(approved, checked in) never overlap anything confirmed, and approving one request rejects
the requests it overlaps.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult

from silin.lib.prepared import insert
from silin.spaces import formatting
from silin.spaces import permissions as perms
from silin.spaces.models import Booking, Space

if TYPE_CHECKING:
    from django_tasks.base import Task

    from silin.accounts.models import User

logger = logging.getLogger("silin.spaces")

NON_FIELD = "__all__"


class SpaceError(ValidationError):
    """Bad input or a refused action: {field: [messages]}, messages already translated."""

    def __init__(self, errors: dict[str, list[str]] | str, field: str = NON_FIELD):
        if isinstance(errors, str):
            errors = {field: [errors]}
        super().__init__({k: [str(m) for m in v] for k, v in errors.items()})


class SlotTaken(SpaceError):
    """The slot holds a confirmed booking (or was taken a moment ago). The API answers 409."""


class OwnOverlap(SpaceError):
    """The person booked for already has bookings elsewhere at that time (`overlaps`).

    `refused`: the space's policy forbids it (the API answers 409 `own_overlap`); otherwise
    it is a warning the booker may confirm (`overlap_ok`) to book anyway.
    """

    def __init__(self, message: str, *, overlaps: list[Booking], refused: bool):
        super().__init__(message)
        self.overlaps = overlaps
        self.refused = refused


def taken_a_moment_ago() -> SlotTaken:
    return SlotTaken(
        _("This slot was taken a moment ago. Please choose another time."), field="starts_at"
    )


def raise_errors(errors: dict[str, list[str]]) -> None:
    """Raise the collected field errors, if there are any."""
    if errors:
        raise SpaceError(errors)


def scope_error(field: str = "community") -> SpaceError:
    return SpaceError({field: [_("This place is outside the area you look after.")]})


def require_manage(actor: User, space: Space) -> None:
    if not perms.manages(actor, space):
        raise PermissionDenied


# --- row locks -------------------------------------------------------------------------------


def lock_space(space: Space) -> Space:
    """Serialise the booking writes of one space (see the module docstring)."""
    return Space.objects.select_for_update().select_related("community").get(pk=space.pk)


def relock_booking(booking: Booking) -> tuple[Space, Booking]:
    """Lock the booking's space, then re-read the booking under that lock."""
    space = lock_space(booking.space)
    fresh = (
        Booking.objects.select_for_update()
        .select_related("space__community", "booker")
        .get(pk=booking.pk)
    )
    fresh.space = space
    return space, fresh


# --- formatting ------------------------------------------------------------------------------


def aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def hm(value: dt.datetime | dt.time) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return value.strftime("%H:%M")


def when_text(value: dt.datetime) -> str:
    """A date and time in the one format of the spaces pages (`formatting.when_text`)."""
    return formatting.when_text(value)


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def uuid_of(obj: Any) -> str | None:
    return str(obj.uuid) if obj is not None else None


# --- tasks -----------------------------------------------------------------------------------


def tasks_commit_with_data() -> bool:
    """Whether task rows are written to the default database (the database backend), so
    that queuing inside a transaction commits them with it."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == "default"


def enqueue_all_at(calls: list[tuple[Task[Any, Any], dt.datetime, tuple[Any, ...]]]) -> int:
    """`enqueue_at` for several calls at once; returns how many were queued.

    On the database backend the deferred ones are written in one INSERT (a confirmed
    booking queues three tasks: one round trip instead of three), with the backend's own
    row format and its `task_enqueued` signal; other backends queue them one by one.
    """
    rows: list[tuple[DatabaseBackend, Task[Any, Any], dt.datetime, tuple[Any, ...]]] = []
    queued = 0
    for t, when, args in calls:
        backend = t.get_backend()
        if when <= timezone.now() or not isinstance(backend, DatabaseBackend):
            queued += enqueue_at(t, when, *args)
            continue
        deferred = t.using(run_after=when)
        backend.validate_task(deferred)
        rows.append((backend, deferred, when, args))
    if rows:
        results: list[DBTaskResult] = [
            DBTaskResult(
                id=db._get_id(),  # noqa: SLF001 - the backend's own ids
                args_kwargs=normalize_json({"args": list(task_args), "kwargs": {}}),
                priority=task_.priority,
                task_path=task_.module_path,
                queue_name=task_.queue_name,
                run_after=run_after,
                backend_name=db.alias,
            )
            for db, task_, run_after, task_args in rows
        ]
        insert(results, bulk=True)  # one INSERT, compiled once per row count (`lib.prepared`)
        for row, result in zip(rows, results, strict=True):
            task_enqueued.send(type(row[0]), task_result=result.task_result)
        queued += len(rows)
    return queued


def enqueue_at(t: Task[Any, Any], when: dt.datetime, *args: Any) -> bool:
    """Enqueue `t(*args)` to run at `when`; False where the backend cannot defer.

    There is no scheduler: work due later is enqueued with `run_after`. Each task re-reads
    the booking or entry and does nothing if it has changed since (cancelled, moved, already
    checked in), so a stale task is harmless. The immediate backend (tests, some development
    set-ups) cannot run work later, and running a reminder or a release early would be
    wrong, so it is skipped there.
    """
    if when <= timezone.now():
        t.enqueue(*args)
        return True
    if not t.get_backend().supports_defer:
        logger.info("Not scheduling %s for %s: the task backend cannot defer.", t.name, when)
        return False
    t.using(run_after=when).enqueue(*args)
    return True
