"""The register's services: validation, scope, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from silin.core.models import AuditEntry
from silin.lib import idnumbers
from silin.lib.dates import birth_date_for_age
from silin.people.models import Guardian, Resident
from silin.people.services import residents
from silin.people.services.residents import ResidentData
from silin.people.tests.factories import ResidentFactory


def _years_ago(years: int) -> dt.date:
    return birth_date_for_age(years, today=timezone.localdate())


def _data(world, **overrides) -> ResidentData:
    birth = overrides.pop("birth_date", dt.date(1985, 6, 1))
    values = {
        "name": "陈阿姨",
        "gender": "F",
        "birth_date": birth,
        "household": world.liu_household,
        "id_number": idnumbers.build("510121", birth, 42, "F"),
    }
    values.update(overrides)
    return ResidentData(**values)


def test_resident_validate_reports_every_problem_without_saving(world, cast):
    data = _data(world, mobile="12", household=world.other_household)
    with pytest.raises(ValidationError) as caught:
        residents.resident_validate(actor=cast.worker, data=data)
    assert {"mobile", "household"} <= set(caught.value.message_dict)
    assert not Resident.objects.filter(name="陈阿姨").exists()


def test_resident_validate_accepts_good_details(world, cast):
    residents.resident_validate(actor=cast.worker, data=_data(world))


def test_a_duplicate_id_number_is_refused(world, cast):
    data = _data(world, id_number=world.liu.id_number, birth_date=world.liu.birth_date, gender="M")
    with pytest.raises(ValidationError) as caught:
        residents.resident_create(actor=cast.worker, data=data)
    assert "id_number" in caught.value.message_dict


def test_a_grid_member_cannot_reveal_and_nothing_is_logged(world, cast):
    with pytest.raises(PermissionDenied):
        residents.resident_reveal(actor=cast.grid_member, resident=world.liu, field="mobile")
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_a_reveal_writes_an_audit_entry_naming_the_field(world, cast):
    value = residents.resident_reveal(actor=cast.worker, resident=world.liu, field="id_number")
    assert value == world.liu.id_number
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == cast.worker
    assert entry.detail == "id_number"
    assert entry.community_id == world.sanjiang.pk


def test_guardian_add_links_an_adult_to_a_child_and_audits_it(world, cast):
    child = ResidentFactory(household=world.liu_household, birth_date=_years_ago(9))
    link = residents.guardian_add(
        actor=cast.worker, minor=child, guardian=world.liu, relation="祖父"
    )
    assert link.guardian == world.liu
    assert AuditEntry.objects.filter(object_uuid=str(child.uuid), detail="guardian").exists()


def test_a_guardian_must_be_an_adult(world, cast):
    child = ResidentFactory(household=world.liu_household, birth_date=_years_ago(9))
    teen = ResidentFactory(household=world.liu_household, birth_date=_years_ago(16))
    with pytest.raises(ValidationError) as caught:
        residents.guardian_add(actor=cast.worker, minor=child, guardian=teen, relation="姐姐")
    assert "guardian" in caught.value.message_dict
    assert not Guardian.objects.exists()


def test_only_a_minor_can_have_a_guardian(world, cast):
    adult = ResidentFactory(household=world.liu_household, birth_date=_years_ago(30))
    with pytest.raises(ValidationError) as caught:
        residents.guardian_add(actor=cast.worker, minor=adult, guardian=world.liu, relation="父亲")
    assert "minor" in caught.value.message_dict
    assert not Guardian.objects.exists()


def test_the_same_guardian_is_not_linked_twice(world, cast):
    child = ResidentFactory(household=world.liu_household, birth_date=_years_ago(9))
    residents.guardian_add(actor=cast.worker, minor=child, guardian=world.liu, relation="祖父")
    with pytest.raises(ValidationError):
        residents.guardian_add(actor=cast.worker, minor=child, guardian=world.liu, relation="祖父")
    assert Guardian.objects.count() == 1


def test_a_worker_of_another_community_cannot_add_a_guardian(world, cast):
    child = ResidentFactory(household=world.liu_household, birth_date=_years_ago(9))
    with pytest.raises(ValidationError) as caught:
        residents.guardian_add(
            actor=cast.other_worker, minor=child, guardian=world.liu, relation="祖父"
        )
    assert "household" in caught.value.message_dict
    assert not Guardian.objects.exists()
