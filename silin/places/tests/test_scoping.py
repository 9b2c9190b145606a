"""The tree of places filtered by the actor's scope (Community.objects.visible_to)."""

from __future__ import annotations

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.places.models import Community


def test_street_admin_sees_every_community_of_the_street(cast, world):
    assert set(Community.objects.visible_to(cast.street_admin)) == {world.sanjiang, world.jinlong}


def test_resident_sees_only_their_compound_in_the_tree(cast, world):
    scope = scope_for(cast.liu, Capability.VIEW_PLACES)
    assert scope.compound_ids == frozenset({world.tuoyuan.pk})
    assert list(Community.objects.visible_to(cast.liu)) == [world.sanjiang]
