from __future__ import annotations

import pytest

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.people.models import Resident
from silin.places.models import Community


def test_worker_sees_only_residents_of_their_community(cast, world):
    visible = set(Resident.objects.visible_to(cast.worker))
    assert world.liu in visible
    assert world.other_resident not in visible


def test_street_admin_sees_every_community_of_the_street(cast, world):
    assert set(Community.objects.visible_to(cast.street_admin)) == {world.sanjiang, world.jinlong}


@pytest.mark.parametrize("who", ["outsider", "liu", "volunteer"])
def test_people_without_a_register_role_see_no_register(cast, who):
    assert not Resident.objects.visible_to(getattr(cast, who)).exists()


def test_resident_sees_only_their_compound_in_the_tree(cast, world):
    scope = scope_for(cast.liu, Capability.VIEW_PLACES)
    assert scope.compound_ids == frozenset({world.tuoyuan.pk})
    assert list(Community.objects.visible_to(cast.liu)) == [world.sanjiang]


def test_anonymous_user_has_an_empty_scope():
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser(), Capability.VIEW_PLACES).empty
