"""The scope computation itself; how each model filters by it is tested beside the model
(places/tests/test_scoping.py, people/tests/test_scoping.py)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from silin.core.roles import Capability
from silin.core.scoping import scope_for


def test_anonymous_user_has_an_empty_scope():
    assert scope_for(AnonymousUser(), Capability.VIEW_PLACES).empty
