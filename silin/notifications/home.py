"""The newest unread notices on the home page (registered in NotificationsConfig.ready)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from silin.core import home
from silin.notifications.models import Notification

if TYPE_CHECKING:
    from silin.accounts.models import User

SHOWN = 3


def unread_panel(actor: User) -> dict[str, Any] | None:
    """Up to three unread notices and how many there are: one query when none is unread."""
    unread = list(
        Notification.objects.filter(recipient=actor, read_at__isnull=True).order_by(
            "-created_at", "-id"
        )[: SHOWN + 1]
    )
    if not unread:
        return None
    total = len(unread)
    if total > SHOWN:
        total = Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
    return {"notices": unread[:SHOWN], "total": total}


def register() -> None:
    home.register_panel(
        "notifications.unread",
        template="notifications/panels/_unread.html",
        build=unread_panel,
        order=15,
    )
