"""The time bank over the API: my statement, donations, hours given to a relative,
redemption for a service received, corrections (coordinators) and certificates."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
import datetime as dt
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from silin.core.access import get_object_for_actor
from silin.core.api.errors import error_responses
from silin.core.api.schemas import Input
from silin.mutualaid import certificates, selectors_ledger
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import ServiceRecord, Transfer
from silin.mutualaid.services import ledger
from silin.people.models import Resident

router = Router(tags=["mutual aid"])
RELATED = ("household__compound", "community__street")


class LineOut(Schema):
    at: dt.datetime
    minutes: int = Field(description="Positive: into the account.")
    kind: str
    transfer: UUID
    counterparty: str = Field(description="issuer, pool, redeemed, person or several")
    counterparty_name: str
    corrected: bool


class StatementOut(Schema):
    resident: UUID
    balance: int = Field(description="Minutes.")
    lines: list[LineOut]


class TransferOut(Schema):
    uuid: UUID
    kind: str
    created_at: dt.datetime


class MinutesIn(Input):
    minutes: int = Field(gt=0, le=90000)


class FamilyIn(MinutesIn):
    receiver: UUID


class RedeemIn(Input):
    service: UUID


class ReverseIn(Input):
    reason: str = Field(max_length=200)


class PeriodIn(Input):
    period_start: dt.date
    period_end: dt.date


class CertificateOut(Schema):
    uuid: UUID
    number: str
    period_start: dt.date
    period_end: dt.date
    minutes: int
    services: int
    content: dict[str, int]
    issued_at: dt.datetime


def _me(request) -> Resident:
    if not request.auth.resident_id:
        raise Http404
    return Resident.objects.select_related(*RELATED).get(pk=request.auth.resident_id)


def _statement(request, resident: Resident) -> dict:
    data = selectors_ledger.statement_for(actor=request.auth, resident=resident)
    return {
        "resident": resident.uuid,
        "balance": data.balance,
        "lines": [
            {
                "at": line.at,
                "minutes": line.minutes,
                "kind": line.kind,
                "transfer": line.transfer,
                "counterparty": line.counterparty.code,
                "counterparty_name": line.counterparty.name,
                "corrected": line.corrected,
            }
            for line in data.lines
        ],
    }


@router.get(
    "/mutualaid/ledger/me",
    response={200: StatementOut, **error_responses(404)},
    summary="My time account",
)
def statement_me(request):
    return _statement(request, _me(request))


@router.get(
    "/mutualaid/ledger/residents/{uuid:resident_uuid}",
    response={200: StatementOut, **error_responses(404)},
    summary="A resident's time account (the holder or a coordinator)",
)
def statement_of(request, resident_uuid: UUID):
    resident = get_object_for_actor(Resident.objects.select_related(*RELATED), uuid=resident_uuid)
    return _statement(request, resident)


@router.post(
    "/mutualaid/ledger/me/donations",
    response={201: TransferOut, **error_responses(404, 422)},
    summary="Give hours to the community's pool",
)
def donate(request, payload: MinutesIn):
    return Status(
        201, ledger.hours_donate(actor=request.auth, resident=_me(request), minutes=payload.minutes)
    )


@router.post(
    "/mutualaid/ledger/me/family",
    response={201: TransferOut, **error_responses(404, 422)},
    summary="Give hours to my spouse or a direct relative aged 60 or more",
)
def give(request, payload: FamilyIn):
    receiver = get_object_for_actor(
        Resident.objects.select_related(*RELATED), uuid=payload.receiver
    )
    transfer = ledger.hours_give_family(
        actor=request.auth, giver=_me(request), receiver=receiver, minutes=payload.minutes
    )
    return Status(201, transfer)


@router.post(
    "/mutualaid/ledger/me/redemptions",
    response={201: TransferOut, **error_responses(404, 422)},
    summary="Pay for a service I (or such a relative) received with my hours",
)
def redeem(request, payload: RedeemIn):
    record = get_object_for_actor(
        ServiceRecord.objects.select_related("request", "recipient"), uuid=payload.service
    )
    return Status(
        201, ledger.hours_redeem(actor=request.auth, resident=_me(request), record=record)
    )


@router.post(
    "/mutualaid/ledger/transfers/{uuid:transfer_uuid}/reverse",
    response={201: TransferOut, **error_responses(404, 422)},
    summary="Correct an entry with a reversing transfer (a coordinator)",
)
def reverse_transfer(request, transfer_uuid: UUID, payload: ReverseIn):
    transfer = get_object_for_actor(
        Transfer.objects.select_related("community"), uuid=transfer_uuid
    )
    if not perms.coordinates_community(request.auth, transfer.community):
        raise Http404
    return Status(
        201, ledger.transfer_reverse(actor=request.auth, transfer=transfer, reason=payload.reason)
    )


@router.post(
    "/mutualaid/ledger/residents/{uuid:resident_uuid}/certificates",
    response={201: CertificateOut, **error_responses(404, 422)},
    summary="Issue a volunteer service certificate for a period (a coordinator)",
)
def certificate_issue(request, resident_uuid: UUID, payload: PeriodIn):
    resident = get_object_for_actor(Resident.objects.select_related(*RELATED), uuid=resident_uuid)
    if not selectors_ledger.may_see_account(request.auth, resident):
        raise Http404
    certificate = certificates.certificate_issue(
        actor=request.auth,
        resident=resident,
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, certificate)


@router.get(
    "/mutualaid/ledger/certificates/{number}",
    response={200: CertificateOut, **error_responses(404)},
    summary="Verify a certificate by its number",
)
def certificate_verify(request, number: str):
    found = selectors_ledger.certificate_by_number(number)
    if found is None:
        raise Http404
    return found
