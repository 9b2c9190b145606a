"""Background work of the accounts app, run by `manage.py db_worker`."""

from __future__ import annotations

from django_tasks import task

from silin.accounts.sms import send_sms


@task(priority=10)
def send_sms_task(mobile: str, message: str) -> None:
    """Hands a text message to the configured SMS backend outside the request."""
    send_sms(mobile, message)
