"""Service records: the helper checks in and out, the person helped confirms the hours.

    check in   request ACCEPTED -> IN_PROGRESS, a record STARTED
    check out  request -> DONE; the record PENDING, waiting for the recipient, or REJECTED
               with the reason code "coverage" when check-in to check-out covers less than
               60 % of the agreed time (the visit stays on record, no hours are credited)
    confirm    PENDING -> ACCEPTED -> COMMITTED in one transaction, crediting the helper
               (`ledger.service_credit`); by the recipient, a family proxy acting as them,
               or a coordinator; or by itself once `SILIN_MUTUALAID_AUTO_ACCEPT_DAYS` have
               passed since check-out (`auto_accepted`, the recipient is told)
    reject     PENDING -> REJECTED with the recipient's reason, in their words

The helper checks in and out on their phone; a coordinator does it for a helper without
one. Lock order, everywhere: the request's row, then the record's, then the accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from silin.core import audit
from silin.lib.text import clean_text
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import HelpRequest, ServiceRecord, Skill
from silin.mutualaid.services import ledger, notices
from silin.mutualaid.services.common import MutualAidError
from silin.mutualaid.services.ledger import hours_text
from silin.mutualaid.services.requests import lock_request, next_occurrence, set_state
from silin.notifications import kinds
from silin.spaces.services.common import enqueue_at

if TYPE_CHECKING:
    from silin.accounts.models import User

S = ServiceRecord.State
R = HelpRequest.State
COVERAGE = "coverage"  # the reject reason code of a service too short to count
COVERAGE_PERCENT = 60
REASON_MAX = 200
CLAIM_MAX = 32767  # the claimed minutes' column (a small integer)


def auto_accept_days() -> int:
    return int(getattr(settings, "SILIN_MUTUALAID_AUTO_ACCEPT_DAYS", 7))


def record_params(record: ServiceRecord, **extra: Any) -> dict[str, Any]:
    return {
        "record": str(record.uuid),
        "request": str(record.request.uuid),
        "kind": record.request.kind,
        "helper": record.helper.resident.name,
        "recipient": record.recipient.name,
        "minutes": record.claimed_minutes or 0,
        **extra,
    }


def _lock_record(record: ServiceRecord) -> ServiceRecord:
    return (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related(
            "request__household",
            "request__community",
            "helper__resident",
            "helper__user",
            "recipient",
        )
        .get(pk=record.pk)
    )


def _may_serve(actor: User, request: HelpRequest) -> bool:
    return perms.is_matched_helper(actor, request) or perms.coordinates_request(actor, request)


# --- check in and out ------------------------------------------------------------------------


def service_check_in(
    *, actor: User, request: HelpRequest, now: dt.datetime | None = None
) -> ServiceRecord:
    """The matched helper (or a coordinator, for a helper without a phone) arrives."""
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        if not _may_serve(actor, request):
            raise MutualAidError(
                _("Only the helper of this request or a coordinator may check in.")
            )
        if request.state == R.IN_PROGRESS or ServiceRecord.objects.filter(request=request).exists():
            raise MutualAidError(_("The helper has already checked in for this request."))
        helper = request.helper
        if request.state != R.ACCEPTED or helper is None:
            raise MutualAidError(_("This request is not waiting for its helper."))
        try:
            with transaction.atomic():
                record = ServiceRecord.objects.create(
                    request=request,
                    helper=helper,
                    recipient=request.requester,
                    community_id=request.community_id,
                    agreed_minutes=request.agreed_minutes,
                    checked_in_at=now,
                    checked_in_by=actor,
                    state=S.STARTED,
                )
        except IntegrityError as exc:  # the one-to-one on the request: checked in already
            raise MutualAidError(_("The helper has already checked in for this request.")) from exc
        set_state(request, R.IN_PROGRESS, now)
        audit.record(
            actor=actor,
            action="create",
            obj=record,
            changes={"request": str(request.uuid), "checked_in_at": now.isoformat()},
            detail="mutualaid.service_check_in",
        )
        notices.notify(
            notices.account_of(request.requester),
            "mutualaid_service_started",
            record_params(record, at=now.isoformat()),
        )
    return record


def _claim(claimed: int | None, *, agreed: int, elapsed: dt.timedelta) -> int:
    """The minutes claimed: by default the agreed time, at most the time really spent."""
    spent = int(elapsed.total_seconds() // 60)
    if claimed is None:
        return min(agreed, spent)
    if isinstance(claimed, bool) or not isinstance(claimed, int) or claimed <= 0:
        raise MutualAidError({"claimed_minutes": [_("The hours claimed must be above zero.")]})
    if claimed > spent or claimed > CLAIM_MAX:
        raise MutualAidError(
            {
                "claimed_minutes": [
                    _(
                        "The hours claimed are longer than the service: %(spent)s from "
                        "check-in to check-out."
                    )
                    % {"spent": hours_text(spent)}
                ]
            }
        )
    return claimed


def covers(elapsed: dt.timedelta, agreed_minutes: int) -> bool:
    """The hours-coverage rule: check-in to check-out covers 60 % of the agreed time."""
    return elapsed * 100 >= dt.timedelta(minutes=agreed_minutes) * COVERAGE_PERCENT


def service_check_out(
    *,
    actor: User,
    record: ServiceRecord,
    claimed_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> ServiceRecord:
    """The helper leaves: the request is done and the recipient asked to confirm the hours
    (a service too short for the coverage rule is recorded, rejected, and nothing asked)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(record.request)
        record = _lock_record(record)
        if not _may_serve(actor, request):
            raise MutualAidError(
                _("Only the helper of this request or a coordinator may check out.")
            )
        if record.state != S.STARTED:
            raise MutualAidError(_("The helper has already checked out."))
        elapsed = now - record.checked_in_at
        if elapsed <= dt.timedelta(0):
            raise MutualAidError(_("Check-out must come after check-in."))
        claimed = _claim(claimed_minutes, agreed=record.agreed_minutes, elapsed=elapsed)
        record.checked_out_at = now
        record.claimed_minutes = claimed or None
        fields = ["checked_out_at", "claimed_minutes", "state"]
        if claimed and covers(elapsed, record.agreed_minutes):
            record.state = S.PENDING
        else:
            record.state, record.reject_reason, record.decided_at = S.REJECTED, COVERAGE, now
            fields += ["reject_reason", "decided_at"]
        record.save(update_fields=fields)
        set_state(request, R.DONE, now)
        audit.record(
            actor=actor,
            action="update",
            obj=record,
            changes={"state": [S.STARTED, record.state], "claimed_minutes": [None, claimed]},
            detail="mutualaid.service_check_out",
        )
        next_occurrence(request, actor=actor)
        _after_check_out(record, now)
    return record


def _after_check_out(record: ServiceRecord, now: dt.datetime) -> None:
    if record.state == S.REJECTED:
        minutes = int((now - record.checked_in_at).total_seconds() // 60)
        notices.notify(
            ledger.helper_user(record),
            "mutualaid_service_not_counted",
            record_params(record, spent=minutes, agreed=record.agreed_minutes),
        )
        return
    due = now + dt.timedelta(days=auto_accept_days())
    notices.notify(
        notices.account_of(record.recipient),
        "mutualaid_confirm_service",
        record_params(record, deadline=due.isoformat()),
        sms=True,
    )
    record_id = record.pk
    transaction.on_commit(lambda: enqueue_at(service_auto_accept_task, due, record_id))


# --- confirmation ----------------------------------------------------------------------------


def _require_recipient_side(actor: User, record: ServiceRecord) -> None:
    """The recipient (or a family proxy acting as them), or a coordinator; never the helper."""
    if not perms.authenticated(actor):
        raise MutualAidError(_("You can only confirm a service you received."))
    if actor.resident_id is not None and actor.resident_id == record.helper.resident_id:
        raise MutualAidError(_("You cannot confirm a service you gave."))
    if actor.resident_id == record.recipient_id or perms.coordinates_request(actor, record.request):
        return
    raise MutualAidError(_("You can only confirm a service you received."))


def _require_pending(record: ServiceRecord) -> None:
    if record.state in (S.ACCEPTED, S.COMMITTED):
        raise MutualAidError(_("This service has already been confirmed."))
    if record.state == S.REJECTED:
        raise MutualAidError(_("This service was not confirmed."))
    if record.state != S.PENDING:
        raise MutualAidError(_("The helper has not checked out yet."))


def _commit(record: ServiceRecord, *, actor: User | None, now: dt.datetime) -> None:
    """PENDING -> ACCEPTED -> COMMITTED, the hours credited, under the record's lock."""
    record.state = S.ACCEPTED
    record.decided_at = now
    record.decided_by = actor if perms.authenticated(actor) else None
    ledger.service_credit(record=record, actor=actor, now=now)
    record.state = S.COMMITTED
    record.save(update_fields=["state", "decided_at", "decided_by", "auto_accepted"])
    audit.record(
        actor=actor,
        action="update",
        obj=record,
        changes={"state": [S.PENDING, S.COMMITTED], "auto_accepted": record.auto_accepted},
        detail="mutualaid.service_confirm",
    )


def service_confirm(
    *, actor: User, record: ServiceRecord, now: dt.datetime | None = None
) -> ServiceRecord:
    """The recipient confirms the hours: they are credited to the helper at once."""
    now = now or timezone.now()
    with transaction.atomic():
        record = _lock_record(record)  # simultaneous confirmations: one credits, one is told
        _require_recipient_side(actor, record)
        _require_pending(record)
        _commit(record, actor=actor, now=now)
    return record


def service_reject(
    *, actor: User, record: ServiceRecord, reason: str, now: dt.datetime | None = None
) -> ServiceRecord:
    """The recipient says the hours are wrong, with a reason the helper is told."""
    now = now or timezone.now()
    text = clean_text(reason or "")
    if not text:
        raise MutualAidError({"reason": [_("Say what is wrong with this service.")]})
    if len(text) > REASON_MAX:
        raise MutualAidError(
            {"reason": [_("At most %(n)d characters, please.") % {"n": REASON_MAX}]}
        )
    with transaction.atomic():
        record = _lock_record(record)
        _require_recipient_side(actor, record)
        _require_pending(record)
        record.state, record.reject_reason = S.REJECTED, text
        record.decided_at, record.decided_by = now, actor
        record.save(update_fields=["state", "reject_reason", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            action="update",
            obj=record,
            changes={"state": [S.PENDING, S.REJECTED], "reject_reason": ["", text]},
            detail="mutualaid.service_reject",
        )
        notices.notify(
            ledger.helper_user(record),
            "mutualaid_service_rejected",
            record_params(record, reason=text),
        )
    return record


def service_auto_accept(*, record_id: int, now: dt.datetime | None = None) -> bool:
    """A record still pending `auto_accept_days()` after check-out is accepted by itself
    and its hours credited; the recipient is told. Its task runs at that moment and reads
    the record again: confirmed, rejected or not yet due, it does nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        found = ServiceRecord.objects.filter(pk=record_id).first()
        if found is None:
            return False
        record = _lock_record(found)
        due = record.checked_out_at and record.checked_out_at + dt.timedelta(
            days=auto_accept_days()
        )
        if record.state != S.PENDING or due is None or due > now:
            return False
        record.auto_accepted = True
        _commit(record, actor=None, now=now)
        notices.notify(
            notices.account_of(record.recipient),
            "mutualaid_service_auto_accepted",
            record_params(record),
        )
    return True


def services_auto_accept(*, now: dt.datetime | None = None) -> int:
    """Accept every record pending past its time (the periodic sweep, for task backends
    that cannot defer); returns how many."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=auto_accept_days())
    ids = ServiceRecord.objects.filter(state=S.PENDING, checked_out_at__lte=before).values_list(
        "pk", flat=True
    )
    return sum(service_auto_accept(record_id=pk, now=now) for pk in list(ids))


@task()
def service_auto_accept_task(record_id: int) -> bool:
    return service_auto_accept(record_id=record_id)


# --- notices, rendered when read (no queries) ------------------------------------------------


def _url(p: Mapping[str, Any]) -> str:
    """The request's page, which shows its service record."""
    try:
        return reverse("mutualaid:request-detail", args=[p["request"]])
    except NoReverseMatch:
        return ""


def _what(p: Mapping[str, Any]) -> str:
    return str(Skill(p["kind"]).label) if p.get("kind") in Skill.values else str(Skill.OTHER.label)


@notices.renderer("mutualaid_service_started")
def _started(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("%(helper)s has come to help: %(what)s") % {"helper": p["helper"], "what": _what(p)}
    return kinds.Rendered(
        title, _("Checked in at %(when)s.") % {"when": kinds.hm(p["at"])}, _url(p)
    )


@notices.renderer("mutualaid_confirm_service")
def _confirm(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("Please confirm %(helper)s's help: %(what)s") % {
        "helper": p["helper"],
        "what": _what(p),
    }
    body = _(
        "%(hours)s. If you do nothing, the hours are confirmed by themselves on %(deadline)s."
    ) % {"hours": hours_text(p["minutes"]), "deadline": kinds.when(p["deadline"])}
    return kinds.Rendered(title, body, _url(p))


@notices.renderer("mutualaid_service_not_counted")
def _not_counted(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("Your help to %(recipient)s was too short to count") % {"recipient": p["recipient"]}
    body = _(
        "A service counts when check-in to check-out covers %(percent)d%% of the agreed time: "
        "%(spent)s of %(agreed)s."
    ) % {
        "percent": COVERAGE_PERCENT,
        "spent": hours_text(p["spent"]),
        "agreed": hours_text(p["agreed"]),
    }
    return kinds.Rendered(title, body, _url(p))


@notices.renderer("mutualaid_service_rejected")
def _rejected(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("%(recipient)s did not confirm your help") % {"recipient": p["recipient"]}
    return kinds.Rendered(title, _("Reason: %(reason)s") % {"reason": p["reason"]}, _url(p))


@notices.renderer("mutualaid_service_auto_accepted")
def _auto_accepted(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("%(helper)s's help was confirmed by itself") % {"helper": p["helper"]}
    body = _("%(hours)s of %(what)s, credited to %(helper)s.") % {
        "hours": hours_text(p["minutes"]),
        "what": _what(p),
        "helper": p["helper"],
    }
    return kinds.Rendered(title, body, _url(p))
