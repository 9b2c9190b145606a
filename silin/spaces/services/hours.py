"""Opening hours of a space: the weekly windows, and dates whose hours differ."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from silin.core import audit
from silin.spaces.models import OpeningException, OpeningHours, Space
from silin.spaces.services.common import SpaceError, hm, require_manage

if TYPE_CHECKING:
    from silin.accounts.models import User


def _hours_text(rows: Iterable[tuple[int, dt.time, dt.time]]) -> list[str]:
    return [f"{w}:{hm(o)}-{hm(c)}" for w, o, c in sorted(rows)]


def _check_windows(windows: list[tuple[int, dt.time, dt.time]]) -> None:
    errors: list[str] = []
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    names = dict(OpeningHours.Weekday.choices)
    for weekday, opens, closes in windows:
        if weekday not in names:
            errors.append(_("Unknown weekday %(day)s.") % {"day": weekday})
        elif closes <= opens:
            errors.append(
                _("%(day)s: the closing time must be after the opening time.")
                % {"day": names[weekday]}
            )
        else:
            by_day[weekday].append((opens, closes))
    for weekday, spans in by_day.items():
        spans.sort()
        if any(spans[i][0] < spans[i - 1][1] for i in range(1, len(spans))):
            errors.append(_("%(day)s: the opening windows overlap.") % {"day": names[weekday]})
    if errors:
        raise SpaceError({"opening_hours": errors})


@transaction.atomic
def opening_hours_set(
    *, actor: User, space: Space, windows: Iterable[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the weekly opening windows: (weekday 0=Monday, opens, closes)."""
    require_manage(actor, space)
    rows = [(int(w), o, c) for w, o, c in windows]
    _check_windows(rows)
    before = _hours_text(space.opening_hours.values_list("weekday", "opens", "closes"))
    space.opening_hours.all().delete()
    created = OpeningHours.objects.bulk_create(
        OpeningHours(space=space, weekday=w, opens=o, closes=c) for w, o, c in sorted(rows)
    )
    after = _hours_text(rows)
    if before != after:
        audit.record(
            actor=actor, action="update", obj=space, changes={"opening_hours": [before, after]}
        )
    return created


@transaction.atomic
def opening_exception_add(
    *,
    actor: User,
    space: Space,
    date: dt.date,
    reason: str,
    closed: bool = True,
    opens: dt.time | None = None,
    closes: dt.time | None = None,
    note: str = "",
) -> OpeningException:
    """A date closed all day, or open at special hours instead of the weekday's."""
    require_manage(actor, space)
    errors: dict[str, list[str]] = {}
    if reason not in OpeningException.Reason.values:
        errors["reason"] = [_("Please choose a reason.")]
    if closed:
        opens = closes = None
    elif opens is None or closes is None or closes <= opens:
        errors["closes"] = [_("Give special hours whose closing time is after the opening.")]
    if errors:
        raise SpaceError(errors)
    exception = OpeningException.objects.create(
        space=space,
        date=date,
        closed=closed,
        opens=opens,
        closes=closes,
        reason=reason,
        note=note.strip()[:200],
    )
    audit.record(
        actor=actor,
        action="create",
        obj=space,
        changes={"opening_exception": [None, f"{date} {reason} {hm(opens) if opens else ''}"]},
    )
    return exception
