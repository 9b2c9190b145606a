"""Pairings (邻里结对, 门对门牵手, 楼上楼下): a coordinator pairs a verified helper with a
neighbour to visit every so many days, and ends the pairing; each visit is logged in two
taps by the helper, or by a coordinator for a helper without a phone (no login).

A pairing's `last_visit_at` is kept in step with its latest visit under the pairing's row
lock (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's single writer otherwise), so the
overdue list reads it without touching visits. A visit logged "not all well" becomes a
to-do of the community's coordinators (`pairing_home`), not a notice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.lib.text import clean_text
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import Pairing, Visit
from silin.mutualaid.services.common import MutualAidError, raise_errors

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.mutualaid.models import HelperProfile
    from silin.people.models import Resident

MIN_EVERY_DAYS = 1
MAX_EVERY_DAYS = 90
# A pairing may be set up to start soon, not a season ahead.
MAX_DAYS_AHEAD = 90
# The same visit tapped twice (a double tap, a retry on a slow network) is refused.
REPEAT_WINDOW = dt.timedelta(minutes=10)
# A phone's clock may run a little fast: a visit "now" from it is not in the future.
CLOCK_SKEW = dt.timedelta(minutes=2)
MAX_NOTE = 200
LIVING = "living"


def _pairing_state(p: Pairing) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "helper": str(p.helper.uuid),
        "resident": str(p.resident.uuid),
        "every_days": p.every_days,
        "started_on": p.started_on.isoformat(),
        "ended_on": p.ended_on.isoformat() if p.ended_on else None,
    }


def _check_pair(helper: HelperProfile, resident: Resident) -> dict[str, list[str]]:
    """Who may be paired with whom: the refusals, by field."""
    errors: dict[str, list[str]] = {}
    if resident.status != LIVING:
        errors["resident"] = [_("%(name)s no longer lives here.") % {"name": resident.name}]
    name = helper.resident.name
    if helper.community_id != resident.community_id:
        errors["helper"] = [_("%(name)s helps in another community.") % {"name": name}]
    elif helper.resident.household_id == resident.household_id:
        errors["helper"] = [
            _("%(name)s lives in the same household: pair them with a neighbour instead.")
            % {"name": name}
        ]
    elif helper.verified_at is None:
        errors["helper"] = [
            _("%(name)s is not verified as a helper yet: verify them first.") % {"name": name}
        ]
    elif helper.paused:
        errors["helper"] = [_("%(name)s has paused helping for now.") % {"name": name}]
    elif helper.resident.status != LIVING:
        errors["helper"] = [_("%(name)s no longer lives here.") % {"name": name}]
    return errors


def _check_terms(
    kind: str, every_days: int, started_on: dt.date, today: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in Pairing.Kind.values:
        errors["kind"] = [_("Choose a kind of pairing from the list.")]
    if not MIN_EVERY_DAYS <= every_days <= MAX_EVERY_DAYS:
        errors["every_days"] = [
            _("A visit every %(min)d to %(max)d days.")
            % {"min": MIN_EVERY_DAYS, "max": MAX_EVERY_DAYS}
        ]
    if started_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        errors["started_on"] = [
            _("A pairing starts within %(days)d days from today.") % {"days": MAX_DAYS_AHEAD}
        ]
    return errors


def _already_paired() -> MutualAidError:
    return MutualAidError({"helper": [_("These two are paired already.")]})


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    helper: HelperProfile,
    resident: Resident,
    kind: str,
    every_days: int,
    started_on: dt.date | None = None,
) -> Pairing:
    """Pair `helper` with `resident` (a coordinator of the resident's community)."""
    if not perms.coordinates_community(actor, resident.community):
        raise PermissionDenied
    today = timezone.localdate()
    started_on = started_on or today
    errors = _check_pair(helper, resident)
    errors.update(_check_terms(kind, every_days, started_on, today))
    raise_errors(errors)
    if Pairing.objects.filter(helper=helper, resident=resident, ended_on__isnull=True).exists():
        raise _already_paired()
    pairing = Pairing(
        community_id=resident.community_id,
        kind=kind,
        helper=helper,
        resident=resident,
        every_days=every_days,
        started_on=started_on,
        created_by=actor,
    )
    try:
        # The partial unique constraint is the last word on a race between two coordinators.
        with transaction.atomic():
            pairing.save(force_insert=True)
    except IntegrityError:
        raise _already_paired() from None
    audit.record(
        actor=actor, action="create", obj=pairing, changes=audit.diff({}, _pairing_state(pairing))
    )
    return pairing


def _lock(pairing: Pairing) -> Pairing:
    """The pairing read afresh under its row lock, with what the audit entry names."""
    return (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("community__street", "helper__resident", "resident__household__community")
        .get(pk=pairing.pk)
    )


@transaction.atomic
def pairing_end(*, actor: User, pairing: Pairing, on: dt.date | None = None) -> Pairing:
    """End a live pairing (today unless `on` says another day since it started)."""
    if not perms.coordinates_community(actor, pairing.community):
        raise PermissionDenied
    pairing = _lock(pairing)
    if pairing.ended_on is not None:
        raise MutualAidError(_("This pairing has ended already."))
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise MutualAidError({"on": [_("A pairing cannot end on a day still to come.")]})
    if on < pairing.started_on:
        raise MutualAidError({"on": [_("A pairing cannot end before it started.")]})
    pairing.ended_on = on
    pairing.save(update_fields=["ended_on"])
    audit.record(
        actor=actor,
        action="update",
        obj=pairing,
        changes={"ended_on": [None, on.isoformat()]},
        detail="ended",
    )
    return pairing


def _logs_as(actor: User, pairing: Pairing) -> bool:
    """Whether `actor` logs as a worker (True) or as the pairing's helper (False)."""
    helper = perms.helper_of(actor)
    if helper is not None and helper.pk == pairing.helper_id:
        return False
    if perms.coordinates_community(actor, pairing.community):
        return True
    raise PermissionDenied


def _check_visit(pairing: Pairing, visited_at: dt.datetime, now: dt.datetime) -> None:
    if pairing.ended_on is not None:
        raise MutualAidError(_("This pairing has ended: no more visits are logged on it."))
    if visited_at > now + CLOCK_SKEW:
        raise MutualAidError({"visited_at": [_("A visit cannot be logged ahead of time.")]})
    if timezone.localdate(visited_at) < pairing.started_on:
        raise MutualAidError({"visited_at": [_("This visit was before the pairing started.")]})


@transaction.atomic
def visit_log(
    *,
    actor: User,
    pairing: Pairing,
    visited_at: dt.datetime | None = None,
    all_well: bool = True,
    note: str = "",
) -> Visit:
    """Log a visit: by the pairing's helper, or by a coordinator for a helper who has no
    login (`by_worker`). Refused ahead of time, before the pairing started, on an ended
    pairing, and within ten minutes of another visit logged on it."""
    by_worker = _logs_as(actor, pairing)
    now = timezone.now()
    visited_at = visited_at or now
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    note = clean_text(note or "").strip()
    if len(note) > MAX_NOTE:
        raise MutualAidError(
            {"note": [_("A note has at most %(max)d characters.") % {"max": MAX_NOTE}]}
        )
    pairing = _lock(pairing)
    if by_worker and pairing.helper.user_id is not None:
        raise MutualAidError(
            _("%(name)s logs their own visits from their phone.")
            % {"name": pairing.helper.resident.name}
        )
    _check_visit(pairing, visited_at, now)
    near = Visit.objects.filter(
        pairing=pairing,
        visited_at__gt=visited_at - REPEAT_WINDOW,
        visited_at__lt=visited_at + REPEAT_WINDOW,
    )
    if near.exists():
        raise MutualAidError(_("This visit is logged already."))
    visit = Visit(
        pairing=pairing,
        visited_at=visited_at,
        logged_by=actor,
        by_worker=by_worker,
        all_well=all_well,
        note=note,
    )
    visit.save(force_insert=True)
    before = pairing.last_visit_at
    if before is None or visited_at > before:
        pairing.last_visit_at = visited_at
        pairing.save(update_fields=["last_visit_at"])
    # On the pairing (it gains a visit), so the entry sits at the resident's place in the tree.
    audit.record(
        actor=actor,
        action="update",
        obj=pairing,
        changes=audit.diff(
            {"last_visit_at": before},
            {
                "visit": str(visit.uuid),
                "visited_at": visited_at.isoformat(),
                "all_well": all_well,
                "by_worker": by_worker,
                "note": note,
                "last_visit_at": pairing.last_visit_at,
            },
        ),
        detail="visit",
    )
    return visit
