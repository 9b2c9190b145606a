"""Reads of the time bank: a person's statement, a community's totals, a certificate, and
who counts as family for giving hours (the register's household relations, or a family
proxy link in force).

A statement is seen by the account's holder (a family proxy acting for them is the holder,
`core.acting`) and by the coordinators of their place; anyone else gets a 404, exactly as
for a resident who does not exist. It costs a fixed number of queries, whatever its length.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from silin.lib.queries import only_row
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import Account, Certificate, Movement
from silin.people.models import ProxyLink

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident
    from silin.places.models import Community

K = Account.Kind
FAMILY_MIN_AGE = 60

# Kinship the register implies between two people of one household, from their relations
# to its head. Only pairs that are certain: a spouse, or a direct line (parent, child,
# grandparent, grandchild). Two "parent"s may be a couple or the head's parent and
# parent-in-law, a "child" and a "grandchild" need not be parent and child: not implied.
_SPOUSE = "spouse"
_DIRECT = "direct"
_HOUSEHOLD_KIN: dict[frozenset[str], str] = {
    frozenset({"head", "spouse"}): _SPOUSE,
    frozenset({"head", "child"}): _DIRECT,
    frozenset({"head", "parent"}): _DIRECT,
    frozenset({"head", "grandchild"}): _DIRECT,
    frozenset({"head", "grandparent"}): _DIRECT,
    frozenset({"spouse", "child"}): _DIRECT,
    frozenset({"spouse", "grandchild"}): _DIRECT,
    frozenset({"parent", "child"}): _DIRECT,  # the head's parent and the head's child
}
# A family proxy's declared relation to the person they act for (people.ProxyLink).
_PROXY_KIN = {
    ProxyLink.Relation.SPOUSE: _SPOUSE,
    ProxyLink.Relation.SON: _DIRECT,
    ProxyLink.Relation.DAUGHTER: _DIRECT,
}


@dataclass(frozen=True)
class Counterparty:
    """Who was on the other side of a movement: a code ("issuer", "pool", "redeemed",
    "person", or "several"), and for a person their name (to show) and UUID."""

    code: str
    name: str = ""
    resident: uuid.UUID | None = None


@dataclass(frozen=True)
class StatementLine:
    at: dt.datetime
    minutes: int  # positive: into the account
    kind: str  # Transfer.Kind
    transfer: uuid.UUID
    counterparty: Counterparty
    reason: str = ""  # a code; `params` hold what to show with it
    params: dict = field(default_factory=dict)
    service: uuid.UUID | None = None
    corrected: bool = False  # reversed by a later correction


@dataclass(frozen=True)
class Statement:
    resident: Resident
    account: Account | None  # None until the first hours arrive
    balance: int
    lines: list[StatementLine]


def may_see_account(actor: User, resident: Resident) -> bool:
    if not perms.authenticated(actor):
        return False
    if actor.resident_id == resident.pk:
        return True
    return perms.coordinates(
        actor,
        street_id=resident.community.street_id,
        community_id=resident.community_id,
        compound_id=resident.household.compound_id,
    )


def statement_for(*, actor: User, resident: Resident, limit: int = 50) -> Statement:
    """The balance and the latest `limit` movements, newest first (three queries)."""
    if not may_see_account(actor, resident):
        raise Http404
    account = only_row(Account.objects.filter(resident=resident))
    if account is None:
        return Statement(resident=resident, account=None, balance=0, lines=[])
    movements = list(
        Movement.objects.filter(account=account)
        .select_related("transfer__service", "transfer__reversed_by")
        .order_by("-created_at", "-id")[:limit]
    )
    others: dict[int, list[Counterparty]] = defaultdict(list)
    rows = (
        Movement.objects.filter(transfer_id__in={m.transfer_id for m in movements})
        .exclude(account=account)
        .values_list(
            "transfer_id", "account__kind", "account__resident__name", "account__resident__uuid"
        )
        .order_by("id")
    )
    for transfer_id, kind, name, resident_uuid in rows:
        others[transfer_id].append(Counterparty(kind, name or "", resident_uuid))
    lines = []
    for m in movements:
        transfer = m.transfer
        found = others.get(m.transfer_id, [])
        lines.append(
            StatementLine(
                at=m.created_at,
                minutes=m.amount,
                kind=transfer.kind,
                transfer=transfer.uuid,
                counterparty=found[0] if len(found) == 1 else Counterparty("several"),
                reason=transfer.reason,
                params=dict(transfer.params),
                service=transfer.service.uuid if transfer.service is not None else None,
                corrected=hasattr(transfer, "reversed_by"),
            )
        )
    return Statement(resident=resident, account=account, balance=account.balance, lines=lines)


@dataclass(frozen=True)
class LedgerTotals:
    """A community's accounts: hours issued for services, held by its people, in its pool,
    redeemed for services. Hours given to a relative in another community leave it, so only
    the street's (or the city's) totals add up to zero; `ledger_balance` checks that."""

    issued: int
    held: int
    pool: int
    redeemed: int
    accounts: int  # personal accounts


def ledger_totals(community: Community) -> LedgerTotals:
    """One query; the caller has checked the actor coordinates the community."""
    sums = {
        row["kind"]: (int(row["total"] or 0), int(row["n"]))
        for row in Account.objects.filter(community=community)
        .values("kind")
        .annotate(total=Sum("balance"), n=Count("id"))
        .order_by()
    }
    return LedgerTotals(
        issued=-sums.get(K.ISSUER, (0, 0))[0],
        held=sums.get(K.PERSON, (0, 0))[0],
        pool=sums.get(K.POOL, (0, 0))[0],
        redeemed=sums.get(K.REDEEMED, (0, 0))[0],
        accounts=sums.get(K.PERSON, (0, 0))[1],
    )


@dataclass(frozen=True)
class LedgerBalance:
    total: int  # the sum of every balance: zero
    movements: int  # the sum of every movement: zero
    mismatched: list[int]  # accounts whose balance is not the sum of their movements


def ledger_balance() -> LedgerBalance:
    """The books' own check (a health check, the tests): three queries over every account."""
    total = Account.objects.aggregate(total=Sum("balance"))["total"] or 0
    moved = dict(
        Movement.objects.values("account_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("account_id", "total")
    )
    balances = Account.objects.values_list("pk", "balance")
    mismatched = [pk for pk, balance in balances if balance != (moved.get(pk) or 0)]
    return LedgerBalance(
        total=int(total), movements=int(sum(moved.values())), mismatched=mismatched
    )


def certificate_by_number(number: str) -> Certificate | None:
    """A certificate by its number, for the public verify page (one query)."""
    cleaned = (number or "").strip().upper()
    if not cleaned or len(cleaned) > 32:
        return None
    return only_row(
        Certificate.objects.select_related("resident", "community").filter(number=cleaned)
    )


# --- family -----------------------------------------------------------------------------------


def kinship(giver: Resident, receiver: Resident, today: dt.date) -> str:
    """`"spouse"` or `"direct"` (a parent, child, grandparent or grandchild) when the register
    or a family proxy link in force says so, else ""."""
    if giver.pk == receiver.pk:
        return ""
    if giver.household_id == receiver.household_id:
        found = _HOUSEHOLD_KIN.get(frozenset({giver.relation, receiver.relation}), "")
        if found:
            return found
    links = (
        ProxyLink.objects.in_force(today)
        .filter(
            Q(principal__resident=giver, proxy__resident=receiver)
            | Q(principal__resident=receiver, proxy__resident=giver),
            relation__in=list(_PROXY_KIN),
        )
        .values_list("relation", flat=True)
    )
    return next((_PROXY_KIN[relation] for relation in links), "")


def family_problem(giver: Resident, receiver: Resident, today: dt.date) -> str:
    """Why `giver`'s hours may not go to `receiver` ("" if they may): only a spouse or a
    direct relative aged 60 or over, living here."""
    if giver.pk == receiver.pk:
        return _("You cannot give hours to yourself.")
    if not kinship(giver, receiver, today):
        return _("%(name)s is not your spouse or a direct relative aged %(age)d or over.") % {
            "name": receiver.name,
            "age": FAMILY_MIN_AGE,
        }
    if receiver.age_on(today) < FAMILY_MIN_AGE:
        return _("Hours can only go to relatives aged %(age)d or over.") % {"age": FAMILY_MIN_AGE}
    if receiver.status != receiver.Status.LIVING:
        return _("%(name)s no longer lives here.") % {"name": receiver.name}
    return ""
