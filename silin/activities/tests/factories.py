"""Activity fixtures: items and events written through the services (or straight, marked)."""

from __future__ import annotations

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
