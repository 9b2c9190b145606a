"""Notices about bookings and offers: sent on commit as a kind and plain params, and the
renderers that turn them into the reader's language when they are read.

A notice never stores a sentence: the booking is carried as the space's name and the ISO
start and end, and each renderer below describes it in the language and time zone of
whoever reads it (the notices page, the home panel, "My data", the SMS task). Renderers do
not query: everything they show is in the params.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from silin.notifications import kinds
from silin.notifications.services import notification_send
from silin.spaces.models import Booking

if TYPE_CHECKING:
    import datetime as dt

    from silin.accounts.models import User
    from silin.spaces.models import Space


def notify(user: User, kind: str, params: Mapping[str, Any], *, sms: bool = False) -> None:
    """Send the notice once the transaction commits (params are read now)."""
    params = dict(params)
    transaction.on_commit(lambda: notification_send(user=user, kind=kind, params=params, sms=sms))


def booking_params(booking: Booking, **extra: Any) -> dict[str, Any]:
    """What a notice needs to describe a booking: the space's name, its start and end."""
    return slot_params(booking.space, booking.starts_at, booking.ends_at, **extra)


def slot_params(
    space: Space, starts_at: dt.datetime, ends_at: dt.datetime, **extra: Any
) -> dict[str, Any]:
    return {"space": space.name, "starts_at": starts_at, "ends_at": ends_at, **extra}


# --- rendering, when the notice is read ----------------------------------------------------


def describe(p: Mapping[str, Any]) -> str:
    """The booking in a few words: "邻里荟, 12月3日 09:00–10:00"."""
    return _("%(space)s, %(start)s–%(end)s") % {
        "space": p["space"],
        "start": kinds.when(p["starts_at"]),
        "end": kinds.hm(p["ends_at"]),
    }


def _mine() -> str:
    # A booking has no page of its own: the booker finds it among "my bookings".
    return reverse("spaces:booking-mine")


def _with_reason(text: str, p: Mapping[str, Any]) -> str:
    reason = p.get("reason") or ""
    return text + _(". Reason: %(reason)s") % {"reason": reason} if reason else text


def _approved(p: Mapping[str, Any]) -> kinds.Rendered:
    return kinds.Rendered(_("Booking approved"), describe(p), _mine())


def _reason(p: Mapping[str, Any]) -> str:
    """The reason a person wrote, or the system's code in the reader's language."""
    if p.get("reason"):
        return str(p["reason"])
    if p.get("code"):
        return str(Booking.DecisionCode(p["code"]).label)
    return ""


def _rejected(p: Mapping[str, Any]) -> kinds.Rendered:
    body = _("%(booking)s. Reason: %(reason)s") % {"booking": describe(p), "reason": _reason(p)}
    return kinds.Rendered(_("Booking request not approved"), body, _mine())


def _made_for_you(p: Mapping[str, Any]) -> kinds.Rendered:
    more = int(p.get("more", 0))
    body = describe(p) + (_(" and %(n)d more dates") % {"n": more} if more else "")
    return kinds.Rendered(_("%(name)s booked a space for you") % {"name": p["by"]}, body, _mine())


def _requested(p: Mapping[str, Any]) -> kinds.Rendered:
    return kinds.Rendered(
        _("A booking request awaits your approval"), describe(p), reverse("spaces:approval-queue")
    )


def _cancelled(p: Mapping[str, Any]) -> kinds.Rendered:
    return kinds.Rendered(_("Your booking was cancelled"), _with_reason(describe(p), p), _mine())


def _released(p: Mapping[str, Any]) -> kinds.Rendered:
    body = _("%(booking)s. Nobody checked in within %(minutes)d minutes of the start.") % {
        "booking": describe(p),
        "minutes": int(p["minutes"]),
    }
    return kinds.Rendered(_("Your booking was released"), body, _mine())


def _reminder_day(p: Mapping[str, Any]) -> kinds.Rendered:
    return kinds.Rendered(_("Tomorrow: your booking"), describe(p), _mine())


def _reminder_hour(p: Mapping[str, Any]) -> kinds.Rendered:
    return kinds.Rendered(_("In one hour: your booking"), describe(p), _mine())


def _waitlist_offer(p: Mapping[str, Any]) -> kinds.Rendered:
    body = _("%(space)s, %(start)s–%(end)s. Claim it before %(deadline)s.") % {
        "space": p["space"],
        "start": kinds.when(p["starts_at"]),
        "end": kinds.hm(p["ends_at"]),
        "deadline": kinds.hm(p["deadline"]),
    }
    return kinds.Rendered(_("A time you waited for is free"), body, _mine())


RENDERERS: dict[str, Callable[[Mapping[str, Any]], kinds.Rendered]] = {
    "booking_approved": _approved,
    "booking_rejected": _rejected,
    "booking_made_for_you": _made_for_you,
    "booking_requested": _requested,
    "booking_cancelled": _cancelled,
    "booking_released": _released,
    "booking_reminder_day": _reminder_day,
    "booking_reminder_hour": _reminder_hour,
    "waitlist_offer": _waitlist_offer,
}


def register_kinds() -> None:
    """The kinds of notice Neighbour Spaces sends (called from SpacesConfig.ready)."""
    for kind, renderer in RENDERERS.items():
        kinds.register(kind, renderer)
