"""Where a row's household is in the tree, and creating the buildings, units and
households an import needs.

Decision: communities and compounds must already exist (they are set up by the street with
their statistical codes and grids); buildings, units and households named in a row that are
not yet recorded inside an existing compound are created by the import. Every compound an
import touches is loaded once, with one query per level.
"""

from __future__ import annotations

from dataclasses import dataclass

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.places.models import Building, Community, Compound, Household, Unit
from silin.workbooks.rows import Row


@dataclass
class CompoundIndex:
    compound: Compound
    buildings: dict[str, int]
    units: dict[tuple[str, str], int]
    households: dict[tuple[str, str, str], tuple[int, int]]  # -> (id, floor)


class Places:
    def __init__(self, actor) -> None:
        self.scope = scope_for(actor, Capability.IMPORT_REGISTER)
        self.communities: dict[str, list[Community]] = {}
        for community in Community.objects.visible_to(actor, Capability.IMPORT_REGISTER):
            self.communities.setdefault(community.name, []).append(community)
        self.compounds: dict[tuple[int, str], CompoundIndex | None] = {}
        self.by_compound_id: dict[int, CompoundIndex] = {}
        # Households the file names that are not in the register: key -> floor
        self.new_households: dict[tuple[int, str, str, str], int] = {}

    def covers(self, community_id: int, compound_id: int, street_id: int) -> bool:
        return self.scope.covers(
            street_id=street_id, community_id=community_id, compound_id=compound_id
        )

    def _index(self, community: Community, name: str) -> CompoundIndex | None:
        key = (community.pk, name)
        if key not in self.compounds:
            compound = (
                Compound.objects.select_related("community")
                .filter(community=community, name=name)
                .first()
            )
            self.compounds[key] = self._load(compound) if compound else None
        return self.compounds[key]

    def _load(self, compound: Compound) -> CompoundIndex:
        buildings = dict(Building.objects.filter(compound=compound).values_list("number", "id"))
        units = {
            (b, u): uid
            for uid, b, u in Unit.objects.filter(building__compound=compound).values_list(
                "id", "building__number", "number"
            )
        }
        households = {
            (b, u, door): (hid, floor)
            for hid, b, u, door, floor in Household.objects.filter(compound=compound).values_list(
                "id", "unit__building__number", "unit__number", "door", "floor"
            )
        }
        index = CompoundIndex(compound, buildings, units, households)
        self.by_compound_id[compound.pk] = index
        return index

    def resolve(self, row: Row) -> tuple[int, str, str, str] | None:
        """The household key (compound id, building, unit, door), or None with errors added."""
        if any(row.has_error(k) for k in ("community", "compound", "building", "unit", "door")):
            return None
        found = self.communities.get(row.community, [])
        if len(found) != 1:
            row.error("community", "community.ambiguous" if found else "community.not_found")
            return None
        community = found[0]
        index = self._index(community, row.compound)
        if index is None:
            row.error("compound", "compound.not_found")
            return None
        if not self.covers(community.pk, index.compound.pk, community.street_id):
            row.error("compound", "compound.outside")
            return None
        key = (index.compound.pk, row.building, row.unit, row.door)
        self._check_floor(row, index, key)
        return key

    def _check_floor(self, row: Row, index: CompoundIndex, key) -> None:
        existing = index.households.get(key[1:])
        floor = existing[1] if existing else self.new_households.setdefault(key, row.floor)
        if floor != row.floor:
            row.error("floor", "floor.differs", floor=floor)

    def household_id(self, key) -> int | None:
        existing = self.by_compound_id[key[0]].households.get(key[1:])
        return existing[0] if existing else None

    def compound_of(self, key) -> Compound:
        return self.by_compound_id[key[0]].compound

    # --- writing ------------------------------------------------------------------------------
    def create_households(self, keys: set) -> int:
        """Creates the households (and buildings, units) of `keys` not yet in the register."""
        missing = sorted(k for k in keys if self.household_id(k) is None)
        households = []
        for key in missing:
            index = self.by_compound_id[key[0]]
            compound = index.compound
            unit_id = self._unit_id(index, key[1], key[2])
            households.append(
                Household(
                    unit_id=unit_id,
                    compound_id=compound.pk,
                    community_id=compound.community_id,
                    floor=self.new_households[key],
                    door=key[3],
                )
            )
        Household.objects.bulk_create(households)
        for key, household in zip(missing, households, strict=True):
            self.by_compound_id[key[0]].households[key[1:]] = (household.pk, household.floor)
            del self.new_households[key]  # now in the index: kept once, not twice
        return len(households)

    def _unit_id(self, index: CompoundIndex, building: str, unit: str) -> int:
        if building not in index.buildings:
            index.buildings[building] = Building.objects.create(
                compound=index.compound, number=building
            ).pk
        if (building, unit) not in index.units:
            index.units[(building, unit)] = Unit.objects.create(
                building_id=index.buildings[building], number=unit
            ).pk
        return index.units[(building, unit)]
