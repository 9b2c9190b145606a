"""Organisation services: scope, validation, audit with diff, membership."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from silin.core.models import AuditEntry
from silin.organizations import services
from silin.organizations.models import Organization
from silin.organizations.services import OrganizationData


def _data(world, **overrides) -> OrganizationData:
    values = {
        "name": "沱源舞蹈队",
        "kind": "filed",
        "field": "culture_sports",
        "community": world.sanjiang,
        "contact_name": "李老师",
        "contact_phone": "13900001111",
    }
    values.update(overrides)
    return OrganizationData(**values)


def test_a_worker_creates_an_organisation_and_it_is_audited(world, cast):
    organization = services.organization_create(actor=cast.worker, data=_data(world))
    entry = AuditEntry.objects.get(action="create", object_uuid=str(organization.uuid))
    assert entry.changes["name"] == [None, "沱源舞蹈队"]
    assert entry.community_id == world.sanjiang.pk


def test_an_update_records_only_the_changed_fields(world, cast):
    organization = services.organization_create(actor=cast.worker, data=_data(world))
    services.organization_update(
        actor=cast.worker, organization=organization, data=_data(world, field="volunteering")
    )
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"field": ["culture_sports", "volunteering"]}


def test_a_worker_cannot_create_in_another_community(world, cast):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(actor=cast.worker, data=_data(world, community=world.jinlong))
    assert "community" in caught.value.message_dict
    assert not Organization.objects.exists()


def test_a_grid_member_may_not_create_organisations(world, cast):
    with pytest.raises(ValidationError):
        services.organization_create(actor=cast.grid_member, data=_data(world))
    assert not Organization.objects.exists()


def test_two_organisations_of_a_community_cannot_share_a_name(world, cast):
    services.organization_create(actor=cast.worker, data=_data(world))
    with pytest.raises(ValidationError) as caught:
        services.organization_create(actor=cast.worker, data=_data(world))
    assert "name" in caught.value.message_dict
    assert Organization.objects.count() == 1


def test_the_leader_must_live_in_the_community(world, cast):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=cast.street_admin, data=_data(world, leader=world.other_resident)
        )
    assert "leader" in caught.value.message_dict


def test_a_member_must_live_in_the_organisations_community(world, cast):
    organization = services.organization_create(actor=cast.street_admin, data=_data(world))
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=cast.street_admin, organization=organization, resident=world.other_resident
        )
    assert not organization.members.exists()


def test_removing_the_leader_as_a_member_clears_the_leader(world, cast):
    organization = services.organization_create(
        actor=cast.worker, data=_data(world, leader=world.liu)
    )
    assert organization.members.filter(pk=world.liu.pk).exists()
    services.membership_remove(actor=cast.worker, organization=organization, resident=world.liu)
    organization.refresh_from_db()
    assert organization.leader is None
    assert AuditEntry.objects.filter(action="delete", detail="membership").exists()
