"""Sending notices to users: stored for the notices page, and by SMS when asked.

A notice is stored as its kind and plain params, never as a sentence (see `kinds`): the
notices page renders it in the reader's language, and the SMS task renders it in the
recipient's language when it runs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from silin.accounts.sms import send_sms
from silin.notifications import copies, kinds
from silin.notifications.models import Notification

if TYPE_CHECKING:
    from silin.accounts.models import User

SMS_MAX_CHARS = 300


def sms_text(rendered: kinds.Rendered) -> str:
    text = f"{rendered.title} {rendered.body}".strip()
    return text[: SMS_MAX_CHARS - 1] + "…" if len(text) > SMS_MAX_CHARS else text


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The params as JSON values: datetimes (aware) and dates in ISO 8601, UUIDs and
    decimals as strings. Text to show is refused: a lazy translation is a sentence in the
    writer's language, which is what a notice must not store."""
    return {str(key): _plain(key, value) for key, value in params.items()}


def _plain(key: object, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value  # a lazy translation (Promise) is none of these: it is refused below
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise TypeError(f"Notice param {key!r}: a naive datetime")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(key, v) for v in value]
    raise TypeError(f"Notice param {key!r} is not a plain value: {type(value).__name__}")


@transaction.atomic
def notification_send(
    *,
    user: User,
    kind: str,
    params: Mapping[str, Any] | None = None,
    sms: bool = False,
    copies_allowed: bool = True,
) -> Notification:
    """Store a notice for `user`; with `sms`, also text it once the transaction commits.

    Copies go to whoever `copies` names for `user` (family proxies receiving their
    notices) unless `copies_allowed` is False: a notice about the proxies themselves.

    `kind` must be registered (`kinds.register`); `params` are plain values (names, aware
    datetimes, UUIDs, numbers), rendered when the notice is read.
    """
    if not kinds.is_registered(kind):
        raise LookupError(f"No renderer is registered for the notice kind {kind!r}.")
    plain = plain_params(params or {})
    notification = _store(recipient=user, kind=kind, params=plain, sms=sms)
    # Family proxies who receive this user's notices get a copy, rendered in their own
    # language when read, and by SMS when the notice asked for one.
    for other in copies.recipients_for(user) if copies_allowed else []:
        copied = {**plain, kinds.COPY_FOR_PARAM: str(user)}
        _store(recipient=other, kind=kind, params=copied, sms=sms, copy_for=user)
    return notification


def _store(
    *, recipient: User, kind: str, params: dict[str, Any], sms: bool, copy_for: User | None = None
) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient,
        copy_for=copy_for,
        kind=kind,
        params=params,
        sms=bool(sms and recipient.mobile),
    )
    if notification.sms:
        notification_id = notification.pk
        transaction.on_commit(lambda: notification_sms_task.enqueue(notification_id))
    return notification


@task(priority=10)
def notification_sms_task(notification_id: int) -> bool:
    """Text a notice, rendered in the recipient's language now; False if there is none to
    send (deleted, or the recipient has no mobile any more)."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.sms or not notification.recipient.mobile:
        return False
    user = notification.recipient
    with in_language_of(user):
        text = sms_text(notification.rendered)

    send_sms(user.mobile, text)
    return True


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification | None = None) -> int:
    """Mark one of the actor's notices read, or all of them (None); returns how many."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def in_language_of(user: User) -> AbstractContextManager[None]:
    """A context manager for text written once for `user` away from their request (an SMS,
    a document): their profile's language, else the site's default."""
    return translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE)
