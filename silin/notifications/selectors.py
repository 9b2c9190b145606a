"""Reads of notices: a user only ever reads their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from silin.notifications.models import Notification


def notification_list_for(*, actor) -> QuerySet[Notification]:
    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor).order_by("-created_at", "-id")


def unread_count(*, actor) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def notification_get(*, actor, uuid) -> Notification:
    """One of the actor's notices; anyone else's answers 404 like a missing one."""
    notification = notification_list_for(actor=actor).filter(uuid=uuid).first()
    if notification is None:
        raise Http404
    return notification
