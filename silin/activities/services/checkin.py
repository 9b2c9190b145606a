"""Check-in by a signed QR code: every confirmed sign-up has a code signed with its event's
Ed25519 key (`lib.signing`), so a scanner holding the event's public key can tell a real
code from a forged one without the server. Checking in marks the sign-up attended; the
same code scanned twice counts once (the first time is kept).

The offline check-in page (`console_views.scanner`) keeps its scans on the phone and uploads
them later in a batch (`checkin_upload`): one transaction, each item answered on its own,
the earliest scan of a sign-up wins (an upload only ever moves `checked_in_at` earlier), so
the same code scanned twice or on two phones counts once. A code's *short form* (eight
letters and digits, from its signature) is what someone types when the camera cannot read
the code; only a holder of the event's key (the server, or the list the page downloaded)
can tell which sign-up it names.

After the event, the organiser enters a paper sign-in sheet at once (`checkin_tick`) and
closes check-in (`checkin_close`): whoever still holds a place without checking in is
recorded as not having come."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import Event, SignUp
from silin.activities.services.common import ActivityError, iso, lock_event
from silin.core import audit
from silin.lib import signing

if TYPE_CHECKING:
    from silin.accounts.models import User

PREFIX = "SLA1"
# Check-in opens this long before the start and scans are taken until this long after the end.
OPENS_BEFORE = dt.timedelta(hours=2)
LATE_AFTER = dt.timedelta(hours=2)
# A phone's clock may run a little fast; a scan "from the future" beyond this is refused.
CLOCK_SKEW = dt.timedelta(minutes=10)
SHORT_LENGTH = 8


def checkin_code(signup: SignUp) -> str:
    """The signed content of a confirmed sign-up's QR code ("" if it has none)."""
    if signup.state not in SignUp.TAKING_STATES:
        return ""
    return _code_of(signup)


@transaction.atomic
def signup_check_in(*, actor: User, event: Event, code: str) -> tuple[SignUp, bool]:
    """Check in the holder of `code` (or its short form) at `event`: (the sign-up, whether
    this was the first scan). A forged code or another event's is refused, nothing saved."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    event = lock_event(event)
    now = timezone.now()
    if event.state == Event.State.CANCELLED or now < event.starts_at - OPENS_BEFORE:
        raise ActivityError({"code": [_("Check-in opens two hours before the start.")]})
    try:
        signup = _signup_of(event, code, event_codes(event) if "." not in code else None)
    except _Refused as refused:
        raise ActivityError({"code": [refused.message]}) from None
    if signup.state not in (SignUp.State.CONFIRMED, SignUp.State.ATTENDED):
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


def short_code(code: str) -> str:
    """The short form of a signed code someone can type: eight base32 letters and digits
    taken from its signature, shown as `ABCD-EFGH` (40 bits: not guessable at a door)."""
    _payload, _dot, signature = code.rpartition(".")
    if not signature:
        return ""
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    text = base64.b32encode(raw[:5]).decode("ascii")[:SHORT_LENGTH]
    return f"{text[:4]}-{text[4:]}"


def normalise_short(text: str) -> str:
    """What was typed, as a short form: case, spaces and dashes do not matter, and the
    digits base32 never uses (0, 1, 8) are read as the letters they look like (O, I, B)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    if len(cleaned) != SHORT_LENGTH:
        return ""
    return f"{cleaned[:4]}-{cleaned[4:]}"


def event_codes(event: Event) -> dict[str, SignUp]:
    """{short form: sign-up} of the event's sign-ups holding a place or marked."""
    rows = SignUp.objects.filter(
        event=event,
        state__in=(SignUp.State.CONFIRMED, SignUp.State.ATTENDED, SignUp.State.NO_SHOW),
    ).select_related("person", "resident", "event")
    found = {}
    for signup in rows:
        code = _code_of(signup)
        if code:
            found[short_code(code)] = signup
    return found


def _code_of(signup: SignUp) -> str:
    event = signup.event
    if not event.checkin_private_key:
        return ""
    return signing.sign(f"{PREFIX}.{event.uuid}.{signup.uuid}", event.checkin_private_key)


@dataclass(frozen=True)
class Scan:
    code: str  # the signed code, or its short form typed by hand
    scanned_at: dt.datetime
    device: str = ""


@dataclass
class ScanResult:
    """One uploaded scan's answer: `status` is checked_in (first time), earlier (moved to
    an earlier scan), already (nothing to change) or refused, with `error` a stable code
    and `message` in the reader's language."""

    status: str
    signup: SignUp | None = None
    error: str = ""
    message: str = ""


class _Refused(Exception):
    def __init__(self, error: str, message: str):
        super().__init__(message)
        self.error = error
        self.message = message


def _signup_of(event: Event, code: str, shorts: dict[str, SignUp] | None) -> SignUp:
    code = code.strip()
    if "." not in code:
        signup = (shorts or {}).get(normalise_short(code))
        if signup is None:
            raise _Refused("unknown_code", _("No sign-up of this activity has this code."))
        return signup
    payload = signing.verify(code, event.checkin_public_key) if event.checkin_public_key else None
    parts = (payload or "").split(".")
    if payload is None or len(parts) != 3 or parts[0] != PREFIX:
        raise _Refused("invalid_code", _("This code is not a valid check-in code."))
    if parts[1] != str(event.uuid):
        raise _Refused("other_event", _("This code is for another activity."))
    signup = (
        SignUp.objects.select_related("person", "resident")
        .filter(event=event, uuid=parts[2])
        .first()
    )
    if signup is None:
        raise _Refused("unknown_code", _("No sign-up of this activity has this code."))
    return signup


def _check_time(event: Event, scanned_at: dt.datetime, now: dt.datetime) -> None:
    if scanned_at > now + CLOCK_SKEW:
        raise _Refused("bad_time", _("The scan's time is later than now: check the phone's clock."))
    if not event.starts_at - OPENS_BEFORE <= scanned_at <= event.ends_at + LATE_AFTER:
        raise _Refused("bad_time", _("The scan's time is outside the activity's check-in hours."))


def _apply(*, actor: User, signup: SignUp, scan: Scan) -> ScanResult:
    if signup.state not in (SignUp.State.CONFIRMED, SignUp.State.ATTENDED, SignUp.State.NO_SHOW):
        raise _Refused("no_place", _("This sign-up no longer has a place."))
    before_state, before_at = signup.state, signup.checked_in_at
    if signup.state == SignUp.State.ATTENDED and before_at and before_at <= scan.scanned_at:
        return ScanResult(status="already", signup=signup)
    # A scan is proof of coming: it also corrects a "did not come" recorded at closing.
    signup.state = SignUp.State.ATTENDED
    signup.checked_in_at = scan.scanned_at
    signup.save(update_fields=["state", "checked_in_at", "updated_at"])
    changes: dict[str, list[str | None]] = {"checked_in_at": [iso(before_at), iso(scan.scanned_at)]}
    if before_state != signup.state:
        changes["state"] = [before_state, signup.state]
    audit.record(
        actor=actor,
        action="update",
        obj=signup,
        changes=changes,
        detail=f"checked in offline on {scan.device or 'a device'}"[:200],
    )
    return ScanResult(
        status="checked_in" if before_state != SignUp.State.ATTENDED else "earlier", signup=signup
    )


@transaction.atomic
def checkin_upload(*, actor: User, event: Event, scans: list[Scan]) -> list[ScanResult]:
    """Record a batch of scans made on a phone (maybe offline), answering each in order.
    A refused scan (unknown, forged, another event's code, a time outside the check-in
    hours, a sign-up without a place) changes nothing; the others are saved together."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    event = lock_event(event)
    if event.state == Event.State.CANCELLED:
        raise ActivityError(_("The activity is cancelled: there is nothing to check in."))
    now = timezone.now()
    shorts = event_codes(event) if any("." not in s.code for s in scans) else None
    results = []
    for scan in scans:
        try:
            _check_time(event, scan.scanned_at, now)
            signup = _signup_of(event, scan.code, shorts)
            # A sign-up seen earlier in the batch is the same row: reload its state.
            signup.refresh_from_db(fields=["state", "checked_in_at"])
            results.append(_apply(actor=actor, signup=signup, scan=scan))
        except _Refused as refused:
            results.append(
                ScanResult(status="refused", error=refused.error, message=refused.message)
            )
    return results


def _may_record(event: Event, now: dt.datetime) -> None:
    if event.state == Event.State.CANCELLED:
        raise ActivityError(_("The activity is cancelled: there is nothing to check in."))
    if now < event.starts_at - OPENS_BEFORE:
        raise ActivityError(_("Attendance is recorded from two hours before the start."))


@transaction.atomic
def checkin_tick(*, actor: User, event: Event, came: set[str]) -> int:
    """Enter a paper sign-in sheet at once: the sign-ups ticked (by uuid) came, the others
    holding a place did not. A sign-up checked in by its code stays checked in (the scan is
    proof); the ticked ones get the event's start as their check-in time. Returns how many
    changed."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    event = lock_event(event)
    _may_record(event, timezone.now())
    rows = SignUp.objects.filter(
        event=event,
        state__in=(SignUp.State.CONFIRMED, SignUp.State.ATTENDED, SignUp.State.NO_SHOW),
    )
    changed = 0
    for signup in rows:
        ticked = str(signup.uuid) in came
        if signup.state == SignUp.State.ATTENDED and (ticked or signup.checked_in_at):
            continue
        after = SignUp.State.ATTENDED if ticked else SignUp.State.NO_SHOW
        if signup.state == after:
            continue
        before = signup.state
        signup.state = after
        signup.checked_in_at = event.starts_at if ticked else None
        signup.save(update_fields=["state", "checked_in_at", "updated_at"])
        audit.record(
            actor=actor,
            action="update",
            obj=signup,
            changes={"state": [before, after]},
            detail="sign-in sheet entered",
        )
        changed += 1
    return changed


@transaction.atomic
def checkin_close(*, actor: User, event: Event) -> int:
    """Close check-in after the start: whoever still holds a place without checking in is
    recorded as not having come (an upload arriving later still corrects it). Returns how
    many were marked."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    event = lock_event(event)
    if event.state == Event.State.CANCELLED or timezone.now() < event.starts_at:
        raise ActivityError(_("Check-in can be closed once the activity has started."))
    return mark_no_shows(event, actor=actor, detail="check-in closed")


def mark_no_shows(event: Event, *, actor: User | None, detail: str) -> int:
    """Under the event's lock: everyone still holding a place without checking in is
    recorded as not having come, each audited. Returns how many."""
    missing = list(SignUp.objects.filter(event=event, state=SignUp.State.CONFIRMED))
    for signup in missing:
        signup.state = SignUp.State.NO_SHOW
        signup.save(update_fields=["state", "updated_at"])
        audit.record(
            actor=actor,
            action="update",
            obj=signup,
            changes={"state": ["confirmed", "no_show"]},
            detail=detail,
        )
    return len(missing)


# --- the event's own code: a resident checks themself in ---------------------------------

EVENT_PREFIX = "SLE1"
# The event's own code works from this long before the start until the end.
SELF_OPENS_BEFORE = dt.timedelta(hours=1)


def event_token(event: Event) -> str:
    """The signed token of the event's own QR code (on the console and the poster)."""
    if not event.checkin_private_key:
        return ""
    return signing.sign(f"{EVENT_PREFIX}.{event.uuid}", event.checkin_private_key)


def self_window_problem(event: Event, now: dt.datetime) -> str:
    if event.state == Event.State.CANCELLED:
        return _("The activity is cancelled: there is nothing to check in.")
    if now < event.starts_at - SELF_OPENS_BEFORE:
        return _("This code works from an hour before the start.")
    if now > event.ends_at:
        return _("The activity is over: this code no longer checks in.")
    return ""


@transaction.atomic
def checkin_self(*, actor: User, event: Event, token: str) -> tuple[SignUp, bool]:
    """A resident scanned the event's own code: check in their sign-up (the sign-up, and
    whether this was the first check-in). Valid only around the event's time."""
    payload = signing.verify(token, event.checkin_public_key) if event.checkin_public_key else None
    if payload != f"{EVENT_PREFIX}.{event.uuid}":
        raise ActivityError(_("This code is not the activity's check-in code."))
    event = lock_event(event)
    now = timezone.now()
    if problem := self_window_problem(event, now):
        raise ActivityError(problem)
    signup = SignUp.objects.filter(
        event=event,
        person=actor,
        state__in=(SignUp.State.CONFIRMED, SignUp.State.ATTENDED, SignUp.State.NO_SHOW),
    ).first()
    if signup is None:
        raise ActivityError(_("You have no place at this activity: ask the organiser."))
    if signup.state == SignUp.State.ATTENDED:
        return signup, False
    before = signup.state
    signup.state = SignUp.State.ATTENDED
    signup.checked_in_at = now
    signup.save(update_fields=["state", "checked_in_at", "updated_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=signup,
        changes={"state": [before, signup.state]},
        detail="checked in by the event's code",
    )
    return signup, True
