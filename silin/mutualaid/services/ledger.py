"""The time bank: double-entry accounts whose books always balance. Amounts are minutes.

Every write is one `_post`: a transfer of two or more movements that sum to zero, on
accounts locked in primary-key order (`SELECT ... FOR UPDATE`, so two transfers touching
the same accounts queue instead of deadlocking; SQLite's single writer serialises them
anyway), each new balance checked against its account's limits first (a refused transfer
names the account and writes nothing), then the transfer, its movements and the new
balances written in one transaction. The database's check constraints are the last word;
the transfers and movements are append-only (`ledger_guard`): a mistake is corrected by a
reversing transfer, never by an edit.

Where hours come from and go:

    service    the community's ISSUER -> the helper (what passes the 1,500-hour cap goes
               to the community's POOL instead: a second transfer, OVERFLOW)
    donation   a person -> the POOL of their account's community
    family     a person -> their spouse or a direct relative aged 60 or over
    redemption a person -> REDEEMED, paying for a service they (or such a relative) received
    reversal   the negated legs of another transfer, once, never of a reversal itself

Only the holder moves their own hours (`actor.resident == resident`: a family proxy acting
for them is the holder too, `core.acting`); a coordinator may reverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from silin.core import audit
from silin.lib.text import clean_text
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import Account, Movement, ServiceRecord, Transfer
from silin.mutualaid.models.ledger import STORAGE_CAP_MINUTES
from silin.mutualaid.selectors_ledger import family_problem
from silin.mutualaid.services import notices
from silin.mutualaid.services.common import NON_FIELD, MutualAidError
from silin.notifications import kinds

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident
    from silin.places.models import Community

K = Account.Kind
T = Transfer.Kind
REASON_MAX = 200
# One transfer moves at most this much: a year of full days, far above any real transfer,
# and far below what a 64-bit balance holds.
MAX_MINUTES = 366 * 24 * 60


def hours_text(minutes: int) -> str:
    """Minutes as the reader says them: "3 hours", "45 minutes", "1 h 30 min"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if not rest:
        return sign + ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if not hours:
        return sign + ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}
    return sign + _("%(h)d h %(m)d min") % {"h": hours, "m": rest}


# --- accounts --------------------------------------------------------------------------------


def account_for(resident: Resident) -> Account:
    """The resident's own account, opened in their community the first time.

    Race-safe: `get_or_create` inserts in a savepoint and, when a concurrent request
    opened the account first (the one-to-one on `resident` refuses the second), reads it.
    """
    account, _created = Account.objects.get_or_create(
        resident=resident, defaults={"kind": K.PERSON, "community_id": resident.community_id}
    )
    return account


def community_account(community: Community, kind: str) -> Account:
    """The community's ISSUER, POOL or REDEEMED account, opened the first time (race-safe:
    the unique constraint on community and kind, as `account_for`)."""
    return _community_account(community.pk, kind)


def _community_account(community_id: int, kind: str) -> Account:
    if kind == K.PERSON or kind not in K.values:
        raise ValueError(f"not a community account kind: {kind!r}")
    account, _created = Account.objects.get_or_create(
        community_id=community_id, kind=kind, resident=None
    )
    return account


def _lock(pks: Iterable[int]) -> dict[int, Account]:
    """The accounts read afresh under their row locks, taken in primary-key order."""
    rows = (
        Account.objects.select_for_update(of=("self",))
        .select_related("resident", "community")
        .filter(pk__in=sorted(set(pks)))
        .order_by("pk")
    )
    return {account.pk: account for account in rows}


def _holder(account: Account) -> str:
    if account.kind == K.PERSON and account.resident is not None:
        return account.resident.name
    return account.community.name


def _limit_problem(account: Account, balance: int) -> str:
    """Why `account` may not hold `balance` ("" if it may)."""
    name = _holder(account)
    if account.kind == K.PERSON:
        if balance < 0:
            return _("%(name)s has only %(hours)s in their time account.") % {
                "name": name,
                "hours": hours_text(account.balance),
            }
        if balance > STORAGE_CAP_MINUTES:
            return _(
                "%(name)s's time account would hold more than %(cap)s, the most it may hold."
            ) % {"name": name, "cap": hours_text(STORAGE_CAP_MINUTES)}
    elif account.kind in (K.POOL, K.REDEEMED) and balance < 0:
        return _("%(account)s of %(name)s holds only %(hours)s.") % {
            "account": account.get_kind_display(),
            "name": name,
            "hours": hours_text(account.balance),
        }
    elif account.kind == K.ISSUER and balance > 0:
        return _("%(name)s has not issued that many hours.") % {"name": name}
    return ""


def _post(
    *,
    kind: str,
    community: Community | int,
    legs: list[tuple[Account, int]],
    actor: User | None,
    service: ServiceRecord | None = None,
    reverses: Transfer | None = None,
    reason: str = "",
    params: Mapping[str, Any] | None = None,
    now: dt.datetime,
    field: str = NON_FIELD,
) -> Transfer:
    """Write one balanced transfer (see the module docstring). Inside a transaction; a
    refusal by an account's limits is reported on `field`."""
    amounts = [amount for _account, amount in legs]
    if len(legs) < 2 or sum(amounts) != 0 or 0 in amounts:
        raise MutualAidError(_("A transfer moves hours between accounts and adds up to zero."))
    pks = [account.pk for account, _amount in legs]
    if len(set(pks)) != len(pks):
        raise MutualAidError(_("A transfer cannot move hours from an account to itself."))
    locked = _lock(pks)
    problems = [
        problem
        for account, amount in legs
        if (problem := _limit_problem(locked[account.pk], locked[account.pk].balance + amount))
    ]
    if problems:
        raise MutualAidError({field: problems})
    community_id = community if isinstance(community, int) else community.pk
    try:
        with transaction.atomic():  # a refusal by the database leaves nothing half-written
            transfer = Transfer.objects.create(
                kind=kind,
                community_id=community_id,
                service=service,
                reverses=reverses,
                created_by=actor if perms.authenticated(actor) else None,
                reason=reason,
                params=dict(params or {}),
                created_at=now,
            )
            Movement.objects.bulk_create(
                Movement(transfer=transfer, account_id=pk, amount=amount, created_at=now)
                for pk, amount in zip(pks, amounts, strict=True)
            )
            for pk, amount in zip(pks, amounts, strict=True):
                Account.objects.filter(pk=pk).update(balance=F("balance") + amount)
    except IntegrityError as exc:
        if reverses is not None and Transfer.objects.filter(reverses=reverses).exists():
            raise MutualAidError(_("This transfer has already been corrected.")) from exc
        raise MutualAidError(
            _("The time bank refused this transfer; nothing was written.")
        ) from exc
    for account, amount in legs:
        locked[account.pk].balance += amount
        account.balance = locked[account.pk].balance  # the caller's copy in step
    audit.record(
        actor=actor,
        action="create",
        obj=transfer,
        changes={
            "kind": kind,
            "movements": {str(pk): amount for pk, amount in zip(pks, amounts, strict=True)},
            **({"service": str(service.uuid)} if service is not None else {}),
            **({"reverses": str(reverses.uuid)} if reverses is not None else {}),
        },
        detail=f"mutualaid.ledger_{kind}",
    )
    return transfer


# --- hours for a service ---------------------------------------------------------------------


def helper_user(record: ServiceRecord) -> User | None:
    """Who hears about the helper's hours: their login, if they have one."""
    helper = record.helper
    return helper.user if helper.user_id else notices.account_of(helper.resident)


def service_credit(
    *, record: ServiceRecord, actor: User | None, now: dt.datetime | None = None
) -> list[Transfer]:
    """Credit the helper with the record's claimed minutes, as it becomes committed (inside
    the caller's transaction, under the record's lock). What would take the helper past the
    cap goes to the community's pool instead (OVERFLOW), and the helper is told."""
    now = now or timezone.now()
    minutes = record.claimed_minutes or 0
    if minutes <= 0:
        raise MutualAidError(_("This service has no hours to credit."))
    if Transfer.objects.filter(service=record, kind__in=[T.SERVICE, T.OVERFLOW]).exists():
        raise MutualAidError(_("The hours of this service have already been credited."))
    issuer = _community_account(record.community_id, K.ISSUER)
    helper = account_for(record.helper.resident)
    pool = _community_account(record.community_id, K.POOL)
    # Every account this credit may touch, locked at once in key order (no deadlock with a
    # reversal locking some of them), before the room under the cap is read.
    helper.balance = _lock([issuer.pk, helper.pk, pool.pk])[helper.pk].balance
    room = max(0, STORAGE_CAP_MINUTES - helper.balance)
    credited, excess = min(minutes, room), minutes - min(minutes, room)
    params = {"record": str(record.uuid), "kind": record.request.kind}
    parts = [(T.SERVICE, helper, credited, "service"), (T.OVERFLOW, pool, excess, "over_cap")]
    transfers = [
        _post(
            kind=kind,
            community=record.community_id,
            legs=[(issuer, -amount), (target, amount)],
            actor=actor,
            service=record,
            reason=reason,
            params=params,
            now=now,
        )
        for kind, target, amount, reason in parts
        if amount
    ]
    user = helper_user(record)
    notice = {**params, "minutes": credited, "balance": helper.balance}
    if credited:
        notices.notify(user, "mutualaid_hours_credited", notice)
    if excess:
        notices.notify(user, "mutualaid_hours_overflow", {**notice, "excess": excess})
    return transfers


# --- a person's own hours --------------------------------------------------------------------


def _require_holder(actor: User, resident: Resident) -> None:
    if not perms.authenticated(actor) or actor.resident_id != resident.pk:
        raise MutualAidError(_("Only the holder of a time account may move its hours."))


def _require_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise MutualAidError({"minutes": [_("Give a number of minutes above zero.")]})
    if minutes > MAX_MINUTES:
        raise MutualAidError({"minutes": [_("That is more hours than any account holds.")]})
    return minutes


@transaction.atomic
def hours_donate(
    *, actor: User, resident: Resident, minutes: int, now: dt.datetime | None = None
) -> Transfer:
    """Give hours to the donation pool of the community the account is kept in."""
    _require_holder(actor, resident)
    _require_minutes(minutes)
    person = account_for(resident)
    pool = _community_account(person.community_id, K.POOL)
    return _post(
        kind=T.DONATION,
        community=person.community_id,
        legs=[(person, -minutes), (pool, minutes)],
        actor=actor,
        reason="donation",
        now=now or timezone.now(),
        field="minutes",
    )


@transaction.atomic
def hours_give_family(
    *,
    actor: User,
    giver: Resident,
    receiver: Resident,
    minutes: int,
    now: dt.datetime | None = None,
) -> Transfer:
    """Give hours to a spouse or a direct relative aged 60 or over (who is told)."""
    now = now or timezone.now()
    _require_holder(actor, giver)
    _require_minutes(minutes)
    if problem := family_problem(giver, receiver, timezone.localdate(now)):
        raise MutualAidError({"receiver": [problem]})
    source, target = account_for(giver), account_for(receiver)
    transfer = _post(
        kind=T.FAMILY,
        community=source.community_id,
        legs=[(source, -minutes), (target, minutes)],
        actor=actor,
        reason="family",
        params={"giver": str(giver.uuid), "receiver": str(receiver.uuid)},
        now=now,
        field="minutes",
    )
    notices.notify(
        notices.account_of(receiver),
        "mutualaid_hours_received",
        {"name": giver.name, "minutes": minutes, "balance": target.balance},
    )
    return transfer


def _lock_record(record: ServiceRecord) -> ServiceRecord:
    return (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("recipient", "helper__resident", "request")
        .get(pk=record.pk)
    )


@transaction.atomic
def hours_redeem(
    *, actor: User, resident: Resident, record: ServiceRecord, now: dt.datetime | None = None
) -> Transfer:
    """Pay the hours of a service received (by the resident, or by their spouse or direct
    relative aged 60 or over) from the resident's account: only ever for a service record,
    never for money, and once per record (again only after that payment was reversed)."""
    now = now or timezone.now()
    _require_holder(actor, resident)
    record = _lock_record(record)  # one payment per record, however many try at once
    if record.state != ServiceRecord.State.COMMITTED:
        raise MutualAidError(_("Only a confirmed service can be paid for with hours."))
    if record.helper.resident_id == resident.pk:
        raise MutualAidError(_("You cannot pay for a service you gave."))
    if record.recipient_id != resident.pk and (
        problem := family_problem(resident, record.recipient, timezone.localdate(now))
    ):
        raise MutualAidError(problem)
    paid = Transfer.objects.filter(service=record, kind=T.REDEMPTION, reversed_by__isnull=True)
    if paid.exists():
        raise MutualAidError(_("This service has already been paid for with hours."))
    payer = account_for(resident)
    redeemed = _community_account(record.community_id, K.REDEEMED)
    return _post(
        kind=T.REDEMPTION,
        community=record.community_id,
        legs=[(payer, -(record.claimed_minutes or 0)), (redeemed, record.claimed_minutes or 0)],
        actor=actor,
        service=record,
        reason="redemption",
        params={"record": str(record.uuid), "kind": record.request.kind},
        now=now,
    )


# --- corrections -----------------------------------------------------------------------------


@transaction.atomic
def transfer_reverse(
    *, actor: User, transfer: Transfer, reason: str, now: dt.datetime | None = None
) -> Transfer:
    """A coordinator corrects a transfer with its negated legs: once (the one-to-one on
    `reverses`), never a correction itself, refused if an account would pass its limits
    (hours already spent cannot be taken back)."""
    community = transfer.community
    if not perms.coordinates_community(actor, community):
        raise MutualAidError(_("Only a coordinator of the community may correct the books."))
    note = clean_text(reason or "")
    if not note:
        raise MutualAidError({"reason": [_("Say why this transfer is corrected.")]})
    if len(note) > REASON_MAX:
        raise MutualAidError(
            {"reason": [_("At most %(n)d characters, please.") % {"n": REASON_MAX}]}
        )
    if transfer.kind == T.REVERSAL:
        raise MutualAidError(_("A correction cannot itself be reversed."))
    if Transfer.objects.filter(reverses=transfer).exists():
        raise MutualAidError(_("This transfer has already been corrected."))
    movements = list(transfer.movements.select_related("account__resident"))
    correction = _post(
        kind=T.REVERSAL,
        community=community,
        legs=[(m.account, -m.amount) for m in movements],
        actor=actor,
        service=transfer.service,
        reverses=transfer,
        reason="correction",
        params={"note": note, "kind": transfer.kind, "reverses": str(transfer.uuid)},
        now=now or timezone.now(),
    )
    for m in movements:
        if m.account.kind == K.PERSON and m.account.resident is not None:
            notices.notify(
                notices.account_of(m.account.resident),
                "mutualaid_hours_corrected",
                {"minutes": -m.amount, "note": note, "balance": m.account.balance},
            )
    return correction


# --- notices, rendered when read (no queries) ------------------------------------------------


def _link(name: str) -> str:
    """The page a notice opens (empty until the page exists)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _balance(p: Mapping[str, Any]) -> str:
    return _("Your time account now holds %(hours)s.") % {"hours": hours_text(p["balance"])}


@notices.renderer("mutualaid_hours_credited")
def _credited(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("%(hours)s credited for your service") % {"hours": hours_text(p["minutes"])}
    return kinds.Rendered(title, _balance(p), _link("mutualaid:statement"))


@notices.renderer("mutualaid_hours_overflow")
def _overflow(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("%(hours)s went to the donation pool") % {"hours": hours_text(p["excess"])}
    body = _(
        "A time account holds at most %(cap)s, so the hours above it were given to your "
        "community's donation pool for neighbours who need them."
    ) % {"cap": hours_text(STORAGE_CAP_MINUTES)}
    return kinds.Rendered(title, body, _link("mutualaid:statement"))


@notices.renderer("mutualaid_hours_received")
def _received(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("%(name)s gave you %(hours)s") % {
        "name": p["name"],
        "hours": hours_text(p["minutes"]),
    }
    return kinds.Rendered(title, _balance(p), _link("mutualaid:statement"))


@notices.renderer("mutualaid_hours_corrected")
def _corrected(p: Mapping[str, Any]) -> kinds.Rendered:
    title = _("Your time account was corrected by %(hours)s") % {"hours": hours_text(p["minutes"])}
    body = _("Reason: %(note)s. %(balance)s") % {"note": p["note"], "balance": _balance(p)}
    return kinds.Rendered(title, body, _link("mutualaid:statement"))
