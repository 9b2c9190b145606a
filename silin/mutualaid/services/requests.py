"""The needs register: raising, cancelling and expiring help requests.

A request is raised for one resident (the requester) by them, by a family member acting for
them (`core.acting`), or by a grid member or worker who may edit them in the register. Every
change of state is told to the requester (their family proxies get a copy through
`notifications.copies`). A request repeating weekly gets its next week's occurrence when it
is done, cancelled only for that week, or expired.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from silin.core import audit
from silin.core.request_context import current_acting
from silin.core.roles import Role
from silin.lib.text import clean_text
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import HelpRequest, Proposal, Skill
from silin.mutualaid.services import notices
from silin.mutualaid.services.common import MutualAidError, raise_errors
from silin.spaces.services.common import enqueue_at

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident

S = HelpRequest.State
FINAL_STATES = frozenset({S.DONE, S.CANCELLED, S.EXPIRED})
# The longest window a request may ask for: a week (a repeating request repeats instead).
MAX_WINDOW = dt.timedelta(days=7)


def _raised_as(actor: User, requester: Resident) -> str:
    if actor.resident_id == requester.pk:
        return HelpRequest.RaisedAs.FAMILY if current_acting() else HelpRequest.RaisedAs.SELF
    roles = {grant[0] for grant in actor.role_grants()}
    if roles & {Role.STREET_ADMIN, Role.COMMUNITY_WORKER, Role.SOCIAL_WORKER}:
        return HelpRequest.RaisedAs.WORKER
    return HelpRequest.RaisedAs.GRID


def request_params(request: HelpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "request": str(request.uuid),
        "kind": request.kind,
        "starts_at": request.window_start.isoformat(),
        **extra,
    }


def tell_requester(request: HelpRequest, kind: str, **extra: Any) -> None:
    """Tell the requester (their proxies get a copy) about a change of their request."""
    notices.notify(notices.account_of(request.requester), kind, request_params(request, **extra))


def _request_errors(
    kind: str,
    urgency: str,
    window_start: dt.datetime,
    window_end: dt.datetime,
    agreed_minutes: int,
    notes: str,
    now: dt.datetime,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in Skill.values:
        errors["kind"] = [_("Choose what help is needed.")]
    if urgency not in HelpRequest.Urgency.values:
        errors["urgency"] = [_("Choose how urgent it is.")]
    if window_end <= window_start:
        errors["window_end"] = [_("The end must be after the start.")]
    elif window_end <= now:
        errors["window_end"] = [_("This time has already passed.")]
    elif window_end - window_start > MAX_WINDOW:
        errors["window_end"] = [_("Ask for a time within one week; a weekly need can repeat.")]
    if not 10 <= agreed_minutes <= 480:
        errors["agreed_minutes"] = [_("The time needed is between 10 minutes and 8 hours.")]
    elif window_end > window_start and dt.timedelta(minutes=agreed_minutes) > (
        window_end - window_start
    ):
        errors["agreed_minutes"] = [_("The time needed is longer than the window asked for.")]
    if len(notes) > 500:
        errors["notes"] = [_("Notes are at most 500 characters.")]
    return errors


def request_raise(
    *,
    actor: User,
    requester: Resident,
    kind: str,
    window_start: dt.datetime,
    window_end: dt.datetime,
    urgency: str = HelpRequest.Urgency.NORMAL,
    agreed_minutes: int = 60,
    repeats_weekly: bool = False,
    notes: str = "",
    now: dt.datetime | None = None,
) -> HelpRequest:
    now = now or timezone.now()
    if not perms.acts_for_resident(actor, requester):
        raise MutualAidError(_("You may not ask for help for this resident."))
    notes = clean_text(notes, multiline=True)
    raise_errors(
        _request_errors(kind, urgency, window_start, window_end, agreed_minutes, notes, now)
    )
    if requester.status != requester.Status.LIVING:
        raise MutualAidError(_("Help can only be asked for a resident living here."))
    household = requester.household
    with transaction.atomic():
        request = HelpRequest.objects.create(
            requester=requester,
            household=household,
            community_id=household.community_id,
            raised_by=actor,
            raised_as=_raised_as(actor, requester),
            kind=kind,
            urgency=urgency,
            window_start=window_start,
            window_end=window_end,
            agreed_minutes=agreed_minutes,
            repeats_weekly=repeats_weekly,
            notes=notes,
            state=S.OPEN,
            state_changed_at=now,
        )
        _after_create(request, actor=actor)
    return request


def _after_create(request: HelpRequest, *, actor: User | None) -> None:
    audit.record(
        actor=actor,
        action="create",
        detail="mutualaid.request_raise",
        obj=request,
        changes={"kind": request.kind, "window_start": request.window_start.isoformat()},
    )
    if actor is None or actor.resident_id != request.requester_id:
        tell_requester(request, "mutualaid_request_raised")
    transaction.on_commit(lambda: enqueue_at(request_expire_task, request.window_end, request.pk))


def lock_request(request: HelpRequest) -> HelpRequest:
    """The request's row, read afresh under its lock: every change of state takes it."""
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("requester", "household", "community", "helper__resident")
        .get(pk=request.pk)
    )


def set_state(request: HelpRequest, state: str, now: dt.datetime, **fields: Any) -> None:
    request.state = state
    request.state_changed_at = now
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["state", "state_changed_at", *fields])


def withdraw_live_proposals(request: HelpRequest, now: dt.datetime) -> int:
    return Proposal.objects.filter(
        request=request, state__in=[Proposal.State.PROPOSED, Proposal.State.CONFIRMED]
    ).update(state=Proposal.State.WITHDRAWN, decided_at=now)


def request_cancel(
    *, actor: User, request: HelpRequest, now: dt.datetime | None = None
) -> HelpRequest:
    now = now or timezone.now()
    allowed = perms.acts_for_resident(actor, request.requester) or perms.coordinates_request(
        actor, request
    )
    if not allowed:
        raise MutualAidError(_("You may not cancel this request."))
    with transaction.atomic():
        request = lock_request(request)
        if request.state in FINAL_STATES:
            raise MutualAidError(_("This request is already closed."))
        if request.state == S.IN_PROGRESS:
            raise MutualAidError(_("The helper is already helping; check them out instead."))
        helper = request.helper
        withdraw_live_proposals(request, now)
        set_state(request, S.CANCELLED, now)
        audit.record(actor=actor, action="update", detail="mutualaid.request_cancel", obj=request)
        if actor.resident_id != request.requester_id:
            tell_requester(request, "mutualaid_request_cancelled")
        if helper is not None and helper.user_id:
            notices.notify(helper.user, "mutualaid_help_cancelled", request_params(request))
        next_occurrence(request, actor=actor)
    return request


def next_occurrence(request: HelpRequest, *, actor: User | None) -> HelpRequest | None:
    """The same request a week later, for a request that repeats weekly (called as it
    closes, inside its transaction). The helper who came last time comes first in the
    matching (continuity), so nothing more is carried over."""
    if not request.repeats_weekly or hasattr(request, "next_occurrence"):
        return None
    requester = request.requester
    if requester.status != requester.Status.LIVING:
        return None
    week = dt.timedelta(days=7)
    following = HelpRequest.objects.create(
        requester=requester,
        household=requester.household,
        community_id=request.community_id,
        raised_by=request.raised_by,
        raised_as=request.raised_as,
        kind=request.kind,
        urgency=request.urgency,
        window_start=request.window_start + week,
        window_end=request.window_end + week,
        agreed_minutes=request.agreed_minutes,
        repeats_weekly=True,
        previous=request,
        notes=request.notes,
        state=S.OPEN,
        state_changed_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="create",
        detail="mutualaid.request_repeat",
        obj=following,
        changes={"previous": str(request.uuid)},
    )
    transaction.on_commit(
        lambda: enqueue_at(request_expire_task, following.window_end, following.pk)
    )
    return following


def request_expire(*, request_id: int, now: dt.datetime | None = None) -> bool:
    """An open or proposed request whose window has passed expires (its task runs at the
    window's end and re-reads the request: a stale task does nothing)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            HelpRequest.objects.select_for_update(of=("self",))
            .select_related("requester", "community")
            .filter(pk=request_id)
            .first()
        )
        if request is None or not request.is_live or request.window_end > now:
            return False
        withdraw_live_proposals(request, now)
        set_state(request, S.EXPIRED, now)
        audit.record(actor=None, action="update", detail="mutualaid.request_expire", obj=request)
        tell_requester(request, "mutualaid_request_expired")
        next_occurrence(request, actor=None)
    return True


def requests_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every live request past its window (the sweep `manage.py mutualaid_sweep`
    runs, for task backends that cannot defer)."""
    now = now or timezone.now()
    ids = HelpRequest.objects.filter(
        state__in=[S.OPEN, S.PROPOSED], window_end__lte=now
    ).values_list("pk", flat=True)
    return sum(request_expire(request_id=pk, now=now) for pk in list(ids))


@task()
def request_expire_task(request_id: int) -> bool:
    return request_expire(request_id=request_id)
