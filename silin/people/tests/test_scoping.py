"""The register filtered by the actor's scope (Resident.objects.visible_to)."""

from __future__ import annotations

import pytest

from silin.people.models import Resident


def test_worker_sees_only_residents_of_their_community(cast, world):
    visible = set(Resident.objects.visible_to(cast.worker))
    assert world.liu in visible
    assert world.other_resident not in visible


@pytest.mark.parametrize("who", ["outsider", "liu", "volunteer"])
def test_people_without_a_register_role_see_no_register(cast, who):
    assert not Resident.objects.visible_to(getattr(cast, who)).exists()
