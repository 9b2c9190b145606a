"""Residents' rights: every member of the cast × every rule, on 刘大爷's records (三江)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from silin.people.models import Resident
from silin.people.services import consents, corrections

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]

# perm -> the cast members who hold it (everyone else must not)
MATRIX = {
    "people.view_my_data": {*CAST},
    "people.request_correction": {"liu"},
    "people.withdraw_consent": {"liu"},
    "people.browse_corrections": {"street_admin", "worker", "other_worker", "grid_member"},
    "people.decide_correction": {"street_admin", "worker", "grid_member"},
    "people.browse_anonymisation": {"street_admin", "worker", "other_worker"},
    "people.anonymise_resident": {"street_admin", "worker"},
}


@pytest.fixture
def objects(world, cast):
    consent = consents.consent_grant(actor=cast.worker, resident=world.liu, purpose="photos")
    correction = corrections.correction_request_create(actor=cast.liu, field="name", value="刘大海")
    Resident.objects.filter(pk=world.liu.pk).update(
        status=Resident.Status.MOVED_OUT,
        status_changed_at=timezone.now() - dt.timedelta(days=5000),
    )
    world.liu.refresh_from_db()
    return {
        "people.withdraw_consent": consent,
        "people.decide_correction": correction,
        "people.anonymise_resident": world.liu,
    }


@pytest.mark.parametrize("perm", list(MATRIX))
@pytest.mark.parametrize("who", CAST)
def test_permission_matrix(cast, objects, perm, who):
    user = getattr(cast, who)
    assert user.has_perm(perm, objects.get(perm)) == (who in MATRIX[perm])


def test_nobody_signed_out_has_any_of_these_permissions(objects):
    for perm in MATRIX:
        assert not AnonymousUser().has_perm(perm, objects.get(perm))
