"""Notices about bookings and offers: composed in the recipient's language, sent on commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from silin.notifications.services import in_language_of, notification_send
from silin.spaces.services.common import hm, when_text

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.spaces.models import Booking


def notify(
    user: User,
    kind: str,
    compose: Callable[[], tuple[str, str]],
    *,
    url: str = "",
    sms: bool = False,
) -> None:
    """Compose the notice in the recipient's language and send it once committed."""
    with in_language_of(user):
        title, body = compose()
        title, body = str(title), str(body)
    transaction.on_commit(
        lambda: notification_send(user=user, kind=kind, title=title, body=body, url=url, sms=sms)
    )


def describe(booking: Booking) -> str:
    """The booking in a few words: "邻里荟, 12月3日 09:00–10:00"."""
    return _("%(space)s, %(start)s–%(end)s") % {
        "space": booking.space.name,
        "start": when_text(booking.starts_at),
        "end": hm(booking.ends_at),
    }


def booking_url(booking: Booking) -> str:
    # A booking has no page of its own: the booker finds it among "my bookings".
    return reverse("spaces:booking-mine")
