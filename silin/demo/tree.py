"""The demo street's place tree: the street, its communities, compounds sized for the
households to come, buildings and units, and grids of buildings."""

from __future__ import annotations

import random
from dataclasses import dataclass

from silin.demo.build import Build
from silin.demo.names import (
    COMMUNITIES,
    GENERATED_NAMES,
    NAME_STEMS,
    NAMED_COMPOUNDS,
    NOMINAL_HOUSEHOLDS,
    STREET_CODE,
    STREET_NAME,
    new_uuid,
)
from silin.places.models import Building, Community, Compound, Grid, Street, Unit

BUILDING_SHAPES = {
    # kind: [(floors, units, doors per floor, weight)]
    "estate": [(6, 2, 2, 3), (7, 2, 2, 2), (11, 2, 2, 3), (18, 2, 4, 2), (26, 2, 4, 1)],
    "courtyard": [(3, 1, 2, 2), (4, 1, 2, 2), (5, 2, 2, 2), (6, 1, 2, 1)],
    "resettlement": [(6, 3, 2, 2), (11, 2, 4, 3), (18, 2, 4, 2)],
}
AREAS = {"estate": (70, 140), "courtyard": (50, 90), "resettlement": (60, 110)}

# A flat to move into: (unit, floor, door, kind of compound)
Dwelling = tuple[Unit, int, str, str]


@dataclass
class CompoundPlan:
    community: str
    name: str
    kind: str
    households: int


@dataclass
class Block:
    """A building to be, its units and how many doors each floor of a unit has."""

    building: Building
    units: list[Unit]
    doors: int


def make_street(rng: random.Random) -> Street:
    return Street.objects.create(
        uuid=new_uuid(rng), name=STREET_NAME, county="金堂县", city="成都市", code=STREET_CODE
    )


def make_communities(build: Build) -> None:
    build.communities = {
        name: Community(uuid=build.uuid(), street=build.street, name=name, code=code, address=addr)
        for name, code, _size, addr in COMMUNITIES
    }
    build.bulk(Community, list(build.communities.values()))
    build.counts["places.street"] = 1


def plan_compounds(build: Build, households: int) -> list[CompoundPlan]:
    sizes = {name: size for name, _c, size, _a in COMMUNITIES}
    total_size = sum(sizes.values())
    plans: list[CompoundPlan] = []
    used_names: set[str] = set()
    for community, size in sizes.items():
        share = round(households * size / total_size)
        named = [n for n in NAMED_COMPOUNDS if n[0] == community]
        plans += _plan_community(build.rng, community, share, named, used_names)
    # Rounding leaves a few households over or short: the largest compound absorbs them.
    largest = max(plans, key=lambda p: p.households)
    largest.households += households - sum(p.households for p in plans)
    return plans


def _plan_community(
    rng: random.Random,
    community: str,
    share: int,
    named: list[tuple[str, str, str, float]],
    used_names: set[str],
) -> list[CompoundPlan]:
    nominal = [NOMINAL_HOUSEHOLDS[kind] * rel for _c, _n, kind, rel in named]
    scale = min(1.0, share / sum(nominal)) if nominal else 1.0
    plans = [
        CompoundPlan(community, name, kind, max(1, round(n * scale)))
        for (_c, name, kind, _r), n in zip(named, nominal, strict=True)
    ]
    used_names.update(p.name for p in plans)
    left = share - sum(p.households for p in plans)
    while left > 0:
        kind = rng.choices(["estate", "courtyard", "resettlement"], [45, 40, 15])[0]
        size = min(left, round(NOMINAL_HOUSEHOLDS[kind] * rng.uniform(0.5, 1.5)))
        plans.append(CompoundPlan(community, _compound_name(rng, kind, used_names), kind, size))
        left -= size
    return plans


def _compound_name(rng: random.Random, kind: str, used: set[str]) -> str:
    for _ in range(200):
        name = rng.choice(NAME_STEMS) + rng.choice(GENERATED_NAMES[kind])
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(NAME_STEMS)}{len(used) + 1}号{GENERATED_NAMES[kind][0]}"
    used.add(name)
    return name


def make_places(build: Build, plans: list[CompoundPlan]) -> dict[int, list[Dwelling]]:
    """Compounds, buildings and units; returns each compound's occupied dwellings."""
    communities = build.communities
    compounds = [
        Compound(
            uuid=build.uuid(),
            community=communities[p.community],
            name=p.name,
            kind=p.kind,
            address=f"{communities[p.community].address}{build.rng.randrange(1, 300)}号",
        )
        for p in plans
    ]
    build.bulk(Compound, compounds)
    build.compounds = {c.name: c for c in compounds}
    layouts = [_layout(build, plan) for plan in plans]
    for compound, blocks in zip(compounds, layouts, strict=True):
        for block in blocks:
            block.building.compound = compound
    buildings = [block.building for blocks in layouts for block in blocks]
    build.bulk(Building, buildings)
    units = []
    for blocks in layouts:
        for block in blocks:
            for u in block.units:
                u.building = block.building
                units.append(u)
    build.bulk(Unit, units)
    build.buildings = buildings
    return {
        c.id: _occupied(build.rng, plan, blocks)
        for c, plan, blocks in zip(compounds, plans, layouts, strict=True)
    }


def _layout(build: Build, plan: CompoundPlan) -> list[Block]:
    shapes = BUILDING_SHAPES[plan.kind]
    weights = [s[3] for s in shapes]
    wanted = plan.households * 1.12 + 1  # some flats stand empty
    capacity = 0
    blocks: list[Block] = []
    while capacity < wanted:
        floors, units, doors, _w = build.rng.choices(shapes, weights)[0]
        number = str(len(blocks) + 1)
        building = Building(uuid=build.uuid(), number=number, floors=floors)
        unit_list = [Unit(uuid=build.uuid(), number=str(n + 1)) for n in range(units)]
        blocks.append(Block(building, unit_list, doors))
        capacity += floors * units * doors
    return blocks


def _occupied(rng: random.Random, plan: CompoundPlan, blocks: list[Block]) -> list[Dwelling]:
    dwellings = [
        (u, floor, f"{floor}{d + 1:02d}")
        for block in blocks
        for u in block.units
        for floor in range(1, block.building.floors + 1)
        for d in range(block.doors)
    ]
    chosen = sorted(rng.sample(range(len(dwellings)), plan.households))
    return [(*dwellings[i], plan.kind) for i in chosen]


def make_grids(build: Build) -> None:
    """Buildings of each community grouped into grids of roughly 40 buildings."""
    by_community: dict[int, list[Building]] = {}
    community_of = {c.id: c.community_id for c in build.compounds.values()}
    for b in build.buildings:
        by_community.setdefault(community_of[b.compound_id], []).append(b)
    grids, links = [], []
    for community in build.communities.values():
        blds = by_community.get(community.id, [])
        per_grid = 40
        for n, start in enumerate(range(0, max(len(blds), 1), per_grid), 1):
            grid = Grid(uuid=build.uuid(), community=community, name=f"第{n}网格")
            grids.append(grid)
            links.append((grid, blds[start : start + per_grid]))
    build.bulk(Grid, grids)
    through = Grid.buildings.through
    build.bulk(
        through,
        [through(grid_id=g.id, building_id=b.id) for g, blds in links for b in blds],
    )
    build.grids = grids
