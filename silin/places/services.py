"""Writes to the tree of places."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import covers_compound
from silin.places.models import Household, Unit

if TYPE_CHECKING:
    from silin.accounts.models import User


@transaction.atomic
def household_create(
    *, actor: User, unit: Unit, floor: int, door: str, area: Decimal | None = None
) -> Household:
    compound = unit.building.compound
    if not covers_compound(actor, Capability.EDIT_REGISTER, compound):
        raise ValidationError({"unit": [_("This unit is outside the area you look after.")]})
    if not door.strip():
        raise ValidationError({"door": [_("Please enter the door number.")]})
    if Household.objects.filter(unit=unit, door=door.strip()).exists():
        raise ValidationError({"door": [_("This unit already has a household at that door.")]})
    household = Household.objects.create(
        unit=unit,
        compound=compound,
        community=compound.community,
        floor=floor,
        door=door.strip(),
        area=area,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=household,
        changes=audit.diff({}, {"floor": floor, "door": door, "area": area}),
    )
    return household
