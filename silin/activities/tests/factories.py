"""Activity fixtures: items and events written through the services (or straight, marked)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from silin.activities.models import CatalogueItem, Category, Event, Stage
from silin.activities.services import events
from silin.spaces.tests.factories import local


def make_item(world, **kw) -> CatalogueItem:
    values = {"title": "象棋联赛", "category": Category.LEAGUE, "stage": Stage.ACQUAINTANCE_FRIEND}
    values.update(kw)
    return CatalogueItem.objects.create(street=world.street, **values)


def make_event(world, actor, *, publish=True, capacity=5, item=None, day=3, **kw) -> Event:
    item = item or make_item(world)
    fields = {
        "community": world.sanjiang,
        "starts_at": local(day, 15),
        "ends_at": local(day, 17),
        "capacity": capacity,
        "place_text": "沱源小区中庭",
    }
    fields.update(kw)
    event = events.event_create(actor=actor, item=item, data=events.EventData(**fields))
    if publish:
        event = events.event_publish(actor=actor, event=event)
    return event


def make_soon_event(world, actor, *, minutes: int = 30, hours: int = 2, **kw) -> Event:
    """A published event starting in `minutes` and lasting `hours`: check-in and walk-ins
    are open (from two hours before the start)."""
    start = timezone.now() + dt.timedelta(minutes=minutes)
    return make_event(
        world, actor, starts_at=start, ends_at=start + dt.timedelta(hours=hours), **kw
    )
