"""Builders for neighbour-services tests: helpers in the world's buildings, requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from silin.accounts.tests.factories import UserFactory, assign
from silin.core.roles import Role
from silin.lib.dates import birth_date_for_age
from silin.mutualaid.models import HelperProfile, HelpRequest
from silin.people.tests.factories import ResidentFactory
from silin.places.tests.factories import HouseholdFactory

_mobiles = iter(range(13512340000, 13512399999))
# Doors of helpers' new households: never one the fixtures use (201, 502).
_doors = iter(range(60, 10**6))


def make_helper(
    *,
    unit: Any = None,
    household: Any = None,
    floor: int = 2,
    door: str | None = None,
    name: str = "唐丽",
    age: int = 65,
    skills: tuple[str, ...] = ("shopping", "visit", "repairs"),
    availability: list[list[int]] | None = None,
    monthly_cap: int = 8,
    verified: bool = True,
    with_user: bool = True,
    health: bool = True,
) -> HelperProfile:
    """A verified helper living in `household` (or a new one in `unit`), with a login."""
    if household is None:
        household = HouseholdFactory(
            unit=unit, floor=floor, door=door or f"{floor}{next(_doors):02d}"
        )
    today = timezone.localdate()
    resident: Any = ResidentFactory(
        name=name, gender="F", household=household, birth_date=birth_date_for_age(age, today=today)
    )
    user: Any = None
    if with_user:
        user = UserFactory(name=name, mobile=str(next(_mobiles)), resident=resident)
        assign(user, Role.RESIDENT, household.compound)
    return HelperProfile.objects.create(
        resident=resident,
        community_id=resident.community_id,
        user=user,
        skills=list(skills),
        availability=availability or [],
        monthly_cap=monthly_cap,
        verified_at=timezone.now() if verified else None,
        safety_trained_on=today if verified else None,
        health_declared_on=today if health else None,
    )


def make_request(
    requester: Any,
    *,
    kind: str = "shopping",
    start: dt.datetime | None = None,
    hours: int = 4,
    state: str = HelpRequest.State.OPEN,
    helper: HelperProfile | None = None,
    agreed_minutes: int = 60,
    **extra: Any,
) -> HelpRequest:
    start = start or timezone.now() + dt.timedelta(hours=1)
    household = requester.household
    return HelpRequest.objects.create(
        requester=requester,
        household=household,
        community_id=household.community_id,
        kind=kind,
        window_start=start,
        window_end=start + dt.timedelta(hours=hours),
        agreed_minutes=agreed_minutes,
        state=state,
        helper=helper,
        state_changed_at=timezone.now(),
        **extra,
    )


def make_record(
    request: Any,
    *,
    minutes: int = 60,
    state: str = "pending",
    checked_in_at: dt.datetime | None = None,
) -> Any:
    """The service record of a request its helper has checked out of, `minutes` long."""
    from silin.mutualaid.models import ServiceRecord  # noqa: PLC0415  (beside its only use)

    start = checked_in_at or request.window_start
    return ServiceRecord.objects.create(
        request=request,
        helper=request.helper,
        recipient=request.requester,
        community_id=request.community_id,
        agreed_minutes=request.agreed_minutes,
        checked_in_at=start,
        checked_out_at=start + dt.timedelta(minutes=minutes),
        claimed_minutes=minutes,
        state=state,
    )
