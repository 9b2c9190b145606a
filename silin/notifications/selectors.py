"""Reads of notices: a user only ever reads their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from silin.core.access import get_object_for_actor
from silin.notifications.models import Notification

if TYPE_CHECKING:
    from silin.accounts.models import User


def notification_list_for(*, actor: User | AnonymousUser) -> QuerySet[Notification]:
    if isinstance(actor, AnonymousUser):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor).order_by("-created_at", "-id")


def unread_count(*, actor: User | AnonymousUser) -> int:
    if isinstance(actor, AnonymousUser):
        return 0
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def notification_get(*, actor: User, uuid: object) -> Notification:
    """One of the actor's notices; anyone else's answers 404 like a missing one."""
    return get_object_for_actor(notification_list_for(actor=actor), uuid=uuid)
