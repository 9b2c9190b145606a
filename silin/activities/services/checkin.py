"""Check-in by a signed QR code: every confirmed sign-up has a code signed with its event's
Ed25519 key (`lib.signing`), so a scanner holding the event's public key can tell a real
code from a forged one without the server. Checking in marks the sign-up attended; the
same code scanned twice counts once (the first time is kept)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import Event, SignUp
from silin.activities.services.common import ActivityError, lock_event
from silin.core import audit
from silin.lib import signing

if TYPE_CHECKING:
    from silin.accounts.models import User

PREFIX = "SLA1"


def checkin_code(signup: SignUp) -> str:
    """The signed content of a confirmed sign-up's QR code ("" if it has none)."""
    event = signup.event
    if signup.state not in SignUp.TAKING_STATES or not event.checkin_private_key:
        return ""
    return signing.sign(f"{PREFIX}.{event.uuid}.{signup.uuid}", event.checkin_private_key)


@transaction.atomic
def signup_check_in(*, actor: User, event: Event, code: str) -> tuple[SignUp, bool]:
    """Check in the holder of `code` at `event`: (the sign-up, whether this was the first
    scan). A forged code or another event's is refused with nothing saved."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    event = lock_event(event)
    payload = signing.verify(code, event.checkin_public_key) if event.checkin_public_key else None
    parts = (payload or "").split(".")
    if payload is None or len(parts) != 3 or parts[0] != PREFIX:
        raise ActivityError({"code": [_("This code is not a valid check-in code.")]})
    if parts[1] != str(event.uuid):
        raise ActivityError({"code": [_("This code is for another activity.")]})
    now = timezone.now()
    if event.state == Event.State.CANCELLED or now < event.starts_at - dt.timedelta(hours=2):
        raise ActivityError({"code": [_("Check-in opens two hours before the start.")]})
    signup = SignUp.objects.select_related("person").filter(event=event, uuid=parts[2]).first()
    if signup is None or signup.state not in (SignUp.State.CONFIRMED, SignUp.State.ATTENDED):
        raise ActivityError({"code": [_("This sign-up no longer has a place.")]})
    if signup.state == SignUp.State.ATTENDED:
        return signup, False
    signup.state = SignUp.State.ATTENDED
    signup.checked_in_at = now
    signup.save(update_fields=["state", "checked_in_at", "updated_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=signup,
        changes={"state": ["confirmed", "attended"]},
        detail="checked in by code",
    )
    return signup, True
