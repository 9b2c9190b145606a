"""Writes to the tree: scope, validation, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from silin.core.models import AuditEntry
from silin.places.models import Household
from silin.places.services import household_create


def test_a_worker_adds_a_household_in_their_community_and_it_is_audited(world, cast):
    household = household_create(actor=cast.worker, unit=world.tuoyuan_unit, floor=3, door="301")
    assert household.community == world.sanjiang
    assert household.compound == world.tuoyuan
    assert AuditEntry.objects.filter(action="create", object_uuid=str(household.uuid)).exists()


def test_a_worker_cannot_add_a_household_in_another_community(world, cast):
    with pytest.raises(ValidationError) as caught:
        household_create(actor=cast.worker, unit=world.jindu_unit, floor=3, door="301")
    assert "unit" in caught.value.message_dict
    assert Household.objects.count() == 2


def test_a_door_is_registered_only_once_per_unit(world, cast):
    with pytest.raises(ValidationError) as caught:
        household_create(actor=cast.worker, unit=world.tuoyuan_unit, floor=2, door="201")
    assert "door" in caught.value.message_dict
