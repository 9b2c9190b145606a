"""Fixtures of the spaces tests: messages in English (on request), and 沱源's chess room.

A test module that defines its own `room` uses that one instead.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from silin.spaces.models import Space
from silin.spaces.tests.factories import SpaceFactory, open_every_day


@pytest.fixture
def english():
    """Messages in English, for tests that read them (use it with `usefixtures`)."""
    with translation.override("en"):
        yield


@pytest.fixture
def room(world, cast):
    """沱源's chess room: open 08:00–21:00 every day, for the residents of 三江社区."""
    space = SpaceFactory(
        name="棋牌室",
        kind=Space.Kind.ACTIVITY_CENTRE,
        community=world.sanjiang,
        compound=world.tuoyuan,
        capacity=8,
    )
    return open_every_day(space)
