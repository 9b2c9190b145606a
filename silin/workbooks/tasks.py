"""Background passes of large imports, run by `manage.py db_worker`."""

from __future__ import annotations

from django_tasks import task


@task(priority=5)
def check_import_task(job_id: int) -> None:
    """Reads and checks every row of an uploaded workbook (the dry run)."""
    from silin.workbooks.services import import_check

    import_check(job_id=job_id)


@task(priority=5)
def apply_import_task(job_id: int, actor_id: int) -> None:
    """Writes a confirmed import to the register, all or nothing."""
    from django.contrib.auth import get_user_model

    from silin.workbooks.services import import_apply

    actor = get_user_model().objects.get(pk=actor_id)
    import_apply(job_id=job_id, actor=actor)
