"""Blocked periods: a space taken out of booking (works, a street event) for a while."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from silin.core import audit
from silin.spaces.models import BlockedPeriod, Space
from silin.spaces.services.common import SpaceError, aware, iso, require_manage

if TYPE_CHECKING:
    from silin.accounts.models import User


@transaction.atomic
def blocked_period_create(
    *,
    actor: User,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    overriders: Iterable[User] = (),
) -> BlockedPeriod:
    """Block a period (works, a street event); the named overriders may still book it."""
    require_manage(actor, space)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Please say why the space is blocked.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    if errors:
        raise SpaceError(errors)
    period = BlockedPeriod.objects.create(
        space=space,
        starts_at=aware(starts_at),
        ends_at=aware(ends_at),
        reason=reason.strip()[:200],
        created_by=actor,
    )
    people = list(overriders)
    period.overriders.set(people)
    audit.record(
        actor=actor,
        action="create",
        obj=period,
        changes=audit.diff(
            {},
            {
                "starts_at": iso(period.starts_at),
                "ends_at": iso(period.ends_at),
                "reason": period.reason,
                "overriders": sorted(str(u.uuid) for u in people),
            },
        ),
    )
    return period
