"""Sending notices to users: stored for the notices page, and by SMS when asked."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from silin.accounts.tasks import send_sms_task
from silin.notifications.models import Notification

if TYPE_CHECKING:
    from silin.accounts.models import User

SMS_MAX_CHARS = 300


def _sms_text(title: str, body: str) -> str:
    text = f"{title} {body}".strip()
    return text[: SMS_MAX_CHARS - 1] + "…" if len(text) > SMS_MAX_CHARS else text


@transaction.atomic
def notification_send(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    sms: bool = False,
) -> Notification:
    """Store a notice for `user`; with `sms`, also text it once the transaction commits.

    Compose `title` and `body` in the recipient's language (see `in_language_of`).
    """
    notification = Notification.objects.create(
        recipient=user,
        kind=kind[:50],
        title=str(title)[:200],
        body=str(body),
        url=url[:500],
        sms=bool(sms and user.mobile),
    )
    if notification.sms:
        mobile, text = user.mobile, _sms_text(notification.title, notification.body)
        transaction.on_commit(lambda: send_sms_task.enqueue(mobile, text))
    return notification


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification | None = None) -> int:
    """Mark one of the actor's notices read, or all of them (None); returns how many."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def in_language_of(user: User) -> AbstractContextManager[None]:
    """A context manager composing text in `user`'s language (their profile, else default)."""
    return translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE)
