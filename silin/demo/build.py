"""The street being built: what the steps of one seeding run share."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Model

from silin.core.bulk import RowWriter
from silin.core.seeding import DemoContext
from silin.demo.names import new_uuid
from silin.places.models import Building, Community, Compound, Grid, Street

if TYPE_CHECKING:
    # Named in an annotation only: silin.demo.register imports this module.
    from silin.demo.register import NewResident

BATCH = 5000

# A resident who may be drawn into an organisation: (id, name, mobile, has the volunteer tag)
Candidate = tuple[int, str, str, bool]


class Build:
    """The demo street under construction, filled in step by step (places, register,
    organisations, logins), every draw from the one seeded generator of the context."""

    def __init__(self, ctx: DemoContext, *, street: Street, residents: int) -> None:
        self.ctx = ctx
        self.street = street
        self.target = residents
        self.rng = ctx.rng
        self.today = ctx.today
        self.now = ctx.now
        self.log = ctx.log
        self.counts = ctx.counts
        self.writer = RowWriter(self.counts)
        self.communities: dict[str, Community] = {}
        self.compounds: dict[str, Compound] = {}
        self.buildings: list[Building] = []
        self.grids: list[Grid] = []
        # Residents who may be drawn into organisations, per community id.
        self.candidates: dict[int, list[Candidate]] = {}
        # The residents behind the cast's resident logins: "liu", "org_leader", "volunteer".
        self.special: dict[str, NewResident] = {}

    def uuid(self) -> uuid.UUID:
        return new_uuid(self.rng)

    def bulk(self, model: type[Model], objs: list[Any]) -> list[Any]:
        created = model._default_manager.bulk_create(objs, batch_size=BATCH)
        key = model._meta.label_lower
        self.counts[key] = self.counts.get(key, 0) + len(created)
        return created
