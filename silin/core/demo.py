"""The demo street: 赵镇街道 (金堂县, 成都市) with its communities, compounds and residents.

`seed_demo()` builds a plausible street for trying Silin and for benchmarks: a few
communities with estates, courtyards and a resettlement compound, households whose sizes
and ages follow an ageing Sichuan county town (about 28% over 60, 4-5% over 80), residents
with valid identity card numbers, mobiles, tags and consents, grids, social organisations
and one demo login per role.

Seeding is a bulk load, not a series of register edits: rows are written with bulk_create
in batches, household by household chunk, with no per-row query, and the audit log gets a
single entry summarising the load. The same seed gives the same street (names, ages,
identity numbers, places); only the ciphertexts and timestamps differ between runs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.utils import timezone

from silin.accounts.models import RoleAssignment, User
from silin.core import audit
from silin.core.bulk import RowWriter
from silin.core.roles import Role
from silin.lib import crypto, idnumbers
from silin.organizations.models import Membership, Organization
from silin.people.models import Consent, Guardian, Resident, Tag
from silin.places.models import Building, Community, Compound, Grid, Household, Street, Unit
from silin.spaces.demo import seed_spaces

STREET_NAME = "赵镇街道"
STREET_CODE = "510121100000"
AREA_CODE = "510121"  # 金堂县
DEMO_PASSWORD = "silin-demo-2026"  # noqa: S105 - published on purpose: demo logins only
BATCH = 5000
MIN_RESIDENTS = 100
HOUSEHOLDS_PER_CHUNK = 2000

# (name, 12-digit code, relative size, address)
COMMUNITIES = [
    ("三江社区", "510121100001", 1.2, "赵镇三江路"),
    ("金龙社区", "510121100002", 1.1, "赵镇金龙大道"),
    ("玉虹社区", "510121100003", 1.0, "赵镇玉虹路"),
    ("滨江社区", "510121100004", 0.9, "赵镇滨江路"),
    ("龙王社区", "510121100005", 0.8, "赵镇龙王街"),
    ("淮口社区", "510121100006", 0.7, "赵镇淮口路"),
]

# Compounds every size of demo has: (community, name, kind, relative size)
NAMED_COMPOUNDS = [
    ("三江社区", "沱源", "estate", 1.0),
    ("三江社区", "伊顿小镇", "estate", 1.0),
    ("三江社区", "三江老院落", "courtyard", 0.25),
    ("金龙社区", "金都华府", "estate", 1.0),
    ("金龙社区", "金龙安置小区", "resettlement", 1.2),
    ("玉虹社区", "玉虹花园", "estate", 0.8),
    ("玉虹社区", "粮站院落", "courtyard", 0.2),
    ("滨江社区", "滨江壹号", "estate", 1.0),
    ("龙王社区", "龙王安置小区", "resettlement", 1.0),
    ("淮口社区", "供销社院落", "courtyard", 0.2),
]
GENERATED_NAMES = {
    "estate": ["锦苑", "华庭", "雅居", "佳园", "丽景", "名都", "新城", "御府", "春天", "湾畔"],
    "courtyard": ["院落", "大院", "小院"],
    "resettlement": ["安置小区", "新居", "家园"],
}
NAME_STEMS = [
    "沱江",
    "金堂",
    "云顶",
    "五凤",
    "福兴",
    "清江",
    "迎宾",
    "桂花",
    "翠湖",
    "长安",
    "兴隆",
    "幸福",
    "和平",
    "银杏",
    "凤凰",
    "阳光",
    "荷塘",
    "东方",
    "书院",
    "状元",
    "芙蓉",
    "天府",
]
NOMINAL_HOUSEHOLDS = {"estate": 420, "courtyard": 70, "resettlement": 520}

ORGANISATIONS = [
    # (suffix, kind, field, description)
    ("舞蹈队", "filed", "culture_sports", "每天晚饭后在广场跳坝坝舞，也为社区活动排节目。"),
    ("象棋协会", "filed", "culture_sports", "老中青棋友切磋，每月一次社区象棋赛。"),
    ("小老助大老志愿服务队", "filed", "volunteering", "低龄老人结对帮助高龄、独居老人。"),
    ("院落互助联盟", "filed", "mutual_aid", "楼上楼下、门对门互助，代买代办，邻里照应。"),
    ("邻里调解委员会", "filed", "mediation", "调解邻里纠纷，协助院落议事。"),
]
REGISTERED_ORGANISATION = (
    "金堂县益邻社会工作服务中心",
    "registered",
    "public_welfare",
    "承接街道“四邻”项目的专业社工机构。",
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    mobile: str
    node: str  # "street", a community name or a compound name


DEMO_LOGINS = [
    DemoLogin(Role.STREET_ADMIN, "周明华", "13800000001", "street"),
    DemoLogin(Role.COMMUNITY_WORKER, "李晓梅", "13800000002", "三江社区"),
    DemoLogin(Role.SOCIAL_WORKER, "张悦", "13800000003", "三江社区"),
    DemoLogin(Role.GRID_MEMBER, "何志强", "13800000004", "三江社区"),
    DemoLogin(Role.COMMITTEE_MEMBER, "罗淑芬", "13800000005", "沱源"),
    DemoLogin(Role.PROPERTY_MANAGER, "黄涛", "13800000006", "沱源"),
    DemoLogin(Role.ORG_LEADER, "杨桂兰", "13800000007", "三江社区"),
    DemoLogin(Role.REVIEWER, "吴振华", "13800000008", "三江社区"),
    DemoLogin(Role.MEDIATOR, "邓德明", "13800000009", "三江社区"),
    DemoLogin(Role.VOLUNTEER, "唐丽", "13800000010", "三江社区"),
    DemoLogin(Role.RESIDENT, "刘大爷", "13800000011", "沱源"),
]
LIU_NAME = "刘大爷"
LIU_AGE = 80

MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]


def years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- who lives together ----------------------------------------------------------------------

R = Resident.Relation


@dataclass
class Person:
    age: int
    sex: str
    relation: str
    surname: str = ""  # "" = the head's surname; "*" = a surname of their own


@dataclass
class Family:
    people: list[Person]
    kind: str
    tags: set[str] = field(default_factory=set)  # household-wide tags, e.g. subsistence


class FamilyMaker:
    """Draws household compositions whose ages add up to an ageing county town."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        kinds: list[tuple[Callable[[], Family], float]] = [
            (self.elder_alone, 9.0),
            (self.elder_couple, 18.0),
            (self.elder_with_child, 6.0),
            (self.single, 8.0),
            (self.couple, 8.0),
            (self.nuclear, 22.0),
            (self.three_generations, 10.0),
            (self.left_behind, 5.0),
            (self.parents_adult_child, 13.0),
        ]
        self.makers = [k for k, _ in kinds]
        self.weights = [w for _, w in kinds]

    def make(self) -> Family:
        return self.rng.choices(self.makers, self.weights)[0]()

    def elder_age(self, low: int = 60) -> int:
        rng = self.rng
        band = rng.choices([60, 70, 80, 90], [46, 33, 18, 3])[0]
        return max(low, band + rng.randrange(10 if band < 90 else 8))

    def elder_alone(self) -> Family:
        age = max(self.elder_age(), self.elder_age(65))  # people living alone skew older
        sex = "F" if self.rng.random() < 0.65 else "M"
        return Family([Person(age, sex, R.HEAD)], "elder_alone")

    def elder_couple(self) -> Family:
        husband = self.elder_age(62)
        wife = max(58, husband - self.rng.randrange(0, 6))
        return Family(
            [Person(husband, "M", R.HEAD), Person(wife, "F", R.SPOUSE, "*")], "elder_couple"
        )

    def elder_with_child(self) -> Family:
        rng = self.rng
        elder = self.elder_age(75)
        child = max(40, elder - rng.randrange(24, 34))
        people = [
            Person(elder, "F" if rng.random() < 0.6 else "M", R.PARENT, "*"),
            Person(child, "M", R.HEAD),
        ]
        if rng.random() < 0.6:
            people.append(Person(child - rng.randrange(0, 4), "F", R.SPOUSE, "*"))
        return Family(people, "elder_with_child")

    def single(self) -> Family:
        rng = self.rng
        relation = R.TENANT if rng.random() < 0.3 else R.HEAD
        return Family([Person(rng.randrange(20, 58), rng.choice("MF"), relation, "*")], "single")

    def couple(self) -> Family:
        husband = self.rng.randrange(23, 60)
        wife = max(21, husband - self.rng.randrange(0, 5))
        return Family([Person(husband, "M", R.HEAD), Person(wife, "F", R.SPOUSE, "*")], "couple")

    def _children(self, mother: int, count: int, relation: str = R.CHILD) -> list[Person]:
        rng = self.rng
        ages = sorted((max(0, mother - rng.randrange(22, 36)) for _ in range(count)), reverse=True)
        return [Person(a, rng.choice("MF"), relation) for a in ages]

    def nuclear(self) -> Family:
        rng = self.rng
        father = rng.randrange(27, 56)
        mother = max(24, father - rng.randrange(0, 5))
        kids = self._children(mother, rng.choices([1, 2, 3], [60, 36, 4])[0])
        people = [Person(father, "M", R.HEAD), Person(mother, "F", R.SPOUSE, "*"), *kids]
        return Family(people, "nuclear")

    def three_generations(self) -> Family:
        rng = self.rng
        father = rng.randrange(30, 52)
        mother = max(26, father - rng.randrange(0, 5))
        grand = father + rng.randrange(25, 33)
        people = [Person(father, "M", R.HEAD), Person(mother, "F", R.SPOUSE, "*")]
        people += self._children(mother, rng.choices([1, 2], [65, 35])[0])
        people.append(Person(grand, "F", R.PARENT, "*"))
        if rng.random() < 0.6:
            people.append(Person(grand + rng.randrange(0, 4), "M", R.PARENT))
        return Family(people, "three_generations")

    def left_behind(self) -> Family:
        """Grandparents raising grandchildren while the parents work in other cities."""
        rng = self.rng
        grandpa = rng.randrange(56, 76)
        people = [
            Person(grandpa, "M", R.HEAD),
            Person(grandpa - rng.randrange(0, 4), "F", R.SPOUSE, "*"),
        ]
        for _ in range(rng.choices([1, 2], [70, 30])[0]):
            people.append(Person(rng.randrange(3, 16), rng.choice("MF"), R.GRANDCHILD))
        return Family(people, "left_behind")

    def parents_adult_child(self) -> Family:
        rng = self.rng
        father = rng.randrange(45, 64)
        mother = max(42, father - rng.randrange(0, 5))
        child = max(18, mother - rng.randrange(22, 32))
        people = [
            Person(father, "M", R.HEAD),
            Person(mother, "F", R.SPOUSE, "*"),
            Person(child, rng.choice("MF"), R.CHILD),
        ]
        return Family(people, "parents_adult_child")


# --- places ----------------------------------------------------------------------------------


@dataclass
class CompoundPlan:
    community: str
    name: str
    kind: str
    households: int


BUILDING_SHAPES = {
    # kind: [(floors, units, doors per floor, weight)]
    "estate": [(6, 2, 2, 3), (7, 2, 2, 2), (11, 2, 2, 3), (18, 2, 4, 2), (26, 2, 4, 1)],
    "courtyard": [(3, 1, 2, 2), (4, 1, 2, 2), (5, 2, 2, 2), (6, 1, 2, 1)],
    "resettlement": [(6, 3, 2, 2), (11, 2, 4, 3), (18, 2, 4, 2)],
}
AREAS = {"estate": (70, 140), "courtyard": (50, 90), "resettlement": (60, 110)}


HOUSEHOLD_COLUMNS = (
    "id",
    "uuid",
    "unit_id",
    "compound_id",
    "community_id",
    "floor",
    "door",
    "area",
    "created_at",
)
RESIDENT_COLUMNS = (
    "id",
    "uuid",
    "name",
    "gender",
    "birth_date",
    "id_number_encrypted",
    "id_number_hash",
    "mobile_encrypted",
    "mobile_hash",
    "household_id",
    "community_id",
    "relation",
    "status",
    "note",
    "created_at",
    "updated_at",
)
CONSENT_COLUMNS = ("uuid", "resident_id", "purpose", "granted_at", "given_by_id")


@dataclass(eq=False)
class NewResident:
    uuid: str
    name: str
    sex: str
    birth: dt.date
    age: int
    relation: str
    id_number: str
    phone: str
    tags: set[str]
    id: int = 0
    household_id: int = 0
    community_id: int = 0

    def row(self, now: dt.datetime) -> tuple:
        # The same encryption and keyed hash as Resident.set_id_number / set_mobile.
        return (
            self.id,
            self.uuid,
            self.name,
            self.sex,
            self.birth,
            crypto.encrypt(self.id_number),
            crypto.lookup_hash(self.id_number),
            crypto.encrypt(self.phone),
            crypto.lookup_hash(self.phone),
            self.household_id,
            self.community_id,
            str(self.relation),
            "living",
            "",
            now,
            now,
        )

    def relation_to(self, minor: NewResident) -> str:
        grand = minor.relation == R.GRANDCHILD
        if self.sex == "M":
            return "祖父" if grand else "父亲"
        return "祖母" if grand else "母亲"


def uuid_hex(rng: random.Random) -> str:
    """A version-4 UUID as 32 hex digits, drawn from the seeded generator."""
    n = rng.getrandbits(128)
    n = (n & ~(0xF000 << 64)) | (0x4000 << 64)
    n = (n & ~(0xC000 << 48)) | (0x8000 << 48)
    return f"{n:032x}"


class Seeder:
    """One run of the demo seeding; `run()` does it all in one transaction."""

    def __init__(self, *, residents: int, seed: int, log: Callable[[str], None]) -> None:
        self.target = residents
        self.rng = random.Random(seed)
        self.seed = seed
        self.log = log
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        self.used_ids: set[str] = set()
        self.used_mobiles = {d.mobile for d in DEMO_LOGINS}
        self.tags = {t.code: t for t in Tag.objects.all()}
        self.sensitive_tags = {c for c, t in self.tags.items() if t.sensitive}
        self.tag_ids = {c: t.id for c, t in self.tags.items()}
        self.writer = RowWriter(self.counts)
        self._load_name_pools()
        # Residents who may be drawn into organisations: community -> [(id, name, mobile, vol)]
        self.candidates: dict[int, list[tuple[int, str, str, bool]]] = {}
        self.special: dict[str, NewResident] = {}

    # --- helpers ---------------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _load_name_pools(self) -> None:
        from faker.providers.person.zh_CN import Provider

        self.surnames = list(Provider.last_names.keys())
        # Cumulative weights once: `choices(weights=...)` would re-add 400 weights per name.
        self.surname_cum = list(itertools.accumulate(Provider.last_names.values()))
        self.given_male = list(Provider.first_names_male)
        self.given_female = list(Provider.first_names_female)

    def surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.surname_cum)[0]

    def given_name(self, sex: str) -> str:
        pool = self.given_male if sex == "M" else self.given_female
        name = self.rng.choice(pool)
        if len(name) == 1 and self.rng.random() < 0.55:
            second = self.rng.choice(pool)
            if len(second) == 1 and second != name:
                name += second
        return name

    def birth_date(self, age: int) -> dt.date:
        latest = years_ago(self.today, age)
        return latest - dt.timedelta(days=self.rng.randrange(365))

    def id_number(self, birth: dt.date, sex: str) -> str:
        while True:
            number = idnumbers.build(AREA_CODE, birth, self.rng.randrange(1000), sex)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_mobiles:
                self.used_mobiles.add(number)
                return number

    def wants_mobile(self, age: int) -> bool:
        if age < 16:
            return False
        chance = 0.6 if age < 18 else 0.97 if age < 60 else 0.8 if age < 75 else 0.45
        return self.rng.random() < chance

    def bulk(self, model, objs: list) -> list:
        created = model.objects.bulk_create(objs, batch_size=BATCH)
        key = model._meta.label_lower
        self.counts[key] = self.counts.get(key, 0) + len(created)
        return created

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            street = self.make_street()
            families = self.make_families()
            plans = self.plan_compounds(len(families) + len(self.special_families()))
            slots = self.make_places(plans)
            self.make_grids()
            self.fill_households(families, slots)
            self.make_organisations()
            self.make_logins(street)
            detail = f"seed={self.seed}; " + "; ".join(
                f"{k.split('.')[-1]}={v}" for k, v in sorted(self.counts.items())
            )
            audit.record(
                actor=None,
                action="create",
                obj=street,
                object_type="demo.seed",
                changes={k: [0, v] for k, v in sorted(self.counts.items())},
                detail=detail,
            )
        return self.counts

    def make_street(self) -> Street:
        street = Street.objects.create(
            uuid=self.uuid(), name=STREET_NAME, county="金堂县", city="成都市", code=STREET_CODE
        )
        self.communities = {
            name: Community(uuid=self.uuid(), street=street, name=name, code=code, address=addr)
            for name, code, _size, addr in COMMUNITIES
        }
        self.bulk(Community, list(self.communities.values()))
        self.counts["places.street"] = 1
        self.street = street
        return street

    def make_families(self) -> list[Family]:
        """Households until the residents add up to the target; the special ones first."""
        maker = FamilyMaker(self.rng)
        families: list[Family] = []
        total = sum(len(f.people) for f in self.special_families())
        while total < self.target:
            family = maker.make()
            room = self.target - total
            if len(family.people) > room:
                family.people = family.people[:room]
                family.kind = "trimmed"
            if self.rng.random() < 0.025:
                family.tags.add("subsistence")
            families.append(family)
            total += len(family.people)
        return families

    def plan_compounds(self, households: int) -> list[CompoundPlan]:
        sizes = {name: size for name, _c, size, _a in COMMUNITIES}
        total_size = sum(sizes.values())
        plans: list[CompoundPlan] = []
        used_names: set[str] = set()
        for community, size in sizes.items():
            share = round(households * size / total_size)
            named = [n for n in NAMED_COMPOUNDS if n[0] == community]
            plans += self._plan_community(community, share, named, used_names)
        # Rounding leaves a few households over or short: the largest compound absorbs them.
        largest = max(plans, key=lambda p: p.households)
        largest.households += households - sum(p.households for p in plans)
        return plans

    def _plan_community(self, community, share, named, used_names) -> list[CompoundPlan]:
        nominal = [NOMINAL_HOUSEHOLDS[kind] * rel for _c, _n, kind, rel in named]
        scale = min(1.0, share / sum(nominal)) if nominal else 1.0
        plans = [
            CompoundPlan(community, name, kind, max(1, round(n * scale)))
            for (_c, name, kind, _r), n in zip(named, nominal, strict=True)
        ]
        used_names.update(p.name for p in plans)
        left = share - sum(p.households for p in plans)
        while left > 0:
            kind = self.rng.choices(["estate", "courtyard", "resettlement"], [45, 40, 15])[0]
            size = min(left, round(NOMINAL_HOUSEHOLDS[kind] * self.rng.uniform(0.5, 1.5)))
            plans.append(CompoundPlan(community, self._compound_name(kind, used_names), kind, size))
            left -= size
        return plans

    def _compound_name(self, kind: str, used: set[str]) -> str:
        for _ in range(200):
            name = self.rng.choice(NAME_STEMS) + self.rng.choice(GENERATED_NAMES[kind])
            if name not in used:
                used.add(name)
                return name
        name = f"{self.rng.choice(NAME_STEMS)}{len(used) + 1}号{GENERATED_NAMES[kind][0]}"
        used.add(name)
        return name

    def make_places(self, plans: list[CompoundPlan]) -> dict[int, list[tuple]]:
        """Compounds, buildings and units; returns each compound's occupied dwellings."""
        compounds = [
            Compound(
                uuid=self.uuid(),
                community=self.communities[p.community],
                name=p.name,
                kind=p.kind,
                address=f"{self.communities[p.community].address}{self.rng.randrange(1, 300)}号",
            )
            for p in plans
        ]
        self.bulk(Compound, compounds)
        self.compounds = {c.name: c for c in compounds}
        layouts = [self._layout(plan) for plan in plans]
        buildings = [b for _plan, blds in layouts for b, _units in blds]
        for compound, (_plan, blds) in zip(compounds, layouts, strict=True):
            for b, _units in blds:
                b.compound = compound
        self.bulk(Building, buildings)
        units = []
        for _plan, blds in layouts:
            for b, unit_list in blds:
                for u in unit_list:
                    u.building = b
                    units.append(u)
        self.bulk(Unit, units)
        self.buildings = buildings
        return {
            c.id: self._occupied(plan, blds)
            for c, (plan, blds) in zip(compounds, layouts, strict=True)
        }

    def _layout(self, plan: CompoundPlan):
        shapes = BUILDING_SHAPES[plan.kind]
        weights = [s[3] for s in shapes]
        wanted = plan.households * 1.12 + 1  # some flats stand empty
        capacity, blds = 0, []
        while capacity < wanted:
            floors, units, doors, _w = self.rng.choices(shapes, weights)[0]
            number = str(len(blds) + 1)
            building = Building(uuid=self.uuid(), number=number, floors=floors)
            unit_list = [Unit(uuid=self.uuid(), number=str(n + 1)) for n in range(units)]
            building._silin_doors = doors
            blds.append((building, unit_list))
            capacity += floors * units * doors
        return plan, blds

    def _occupied(self, plan: CompoundPlan, blds) -> list[tuple]:
        dwellings = [
            (u, floor, f"{floor}{d + 1:02d}")
            for b, unit_list in blds
            for u in unit_list
            for floor in range(1, b.floors + 1)
            for d in range(b._silin_doors)
        ]
        chosen = sorted(self.rng.sample(range(len(dwellings)), plan.households))
        return [(*dwellings[i], plan.kind) for i in chosen]

    def make_grids(self) -> None:
        """Buildings of each community grouped into grids of roughly 40 buildings."""
        by_community: dict[int, list[Building]] = {}
        community_of = {c.id: c.community_id for c in self.compounds.values()}
        for b in self.buildings:
            by_community.setdefault(community_of[b.compound_id], []).append(b)
        grids, links = [], []
        for community in self.communities.values():
            blds = by_community.get(community.id, [])
            per_grid = 40
            for n, start in enumerate(range(0, max(len(blds), 1), per_grid), 1):
                grid = Grid(uuid=self.uuid(), community=community, name=f"第{n}网格")
                grids.append(grid)
                links.append((grid, blds[start : start + per_grid]))
        self.bulk(Grid, grids)
        through = Grid.buildings.through
        self.bulk(
            through,
            [through(grid_id=g.id, building_id=b.id) for g, blds in links for b in blds],
        )
        self.grids = grids

    # --- residents -------------------------------------------------------------------------
    # The register tables are written as plain rows (RowWriter), not model instances: at
    # 200,000 residents Django's per-object and per-value work in bulk_create cost more
    # than the database itself.

    def fill_households(self, families: list[Family], slots: dict[int, list[tuple]]) -> None:
        dwellings = [(cid, d) for cid, ds in slots.items() for d in ds]
        self.rng.shuffle(families)
        families = self.special_families() + families
        # The special families move into the first dwellings of their compounds.
        pairs = self._pair_special(families, dwellings)
        community_of = {c.id: c.community_id for c in self.compounds.values()}
        for start in range(0, len(pairs), HOUSEHOLDS_PER_CHUNK):
            chunk = pairs[start : start + HOUSEHOLDS_PER_CHUNK]
            self._write_chunk(chunk, community_of)
            self.log(f"  {self.counts.get('people.resident', 0):>7} residents")

    def special_families(self) -> list[Family]:
        liu = Family([Person(LIU_AGE, "M", R.HEAD, "刘")], "liu")
        leader = Family(
            [Person(64, "F", R.HEAD, "杨"), Person(67, "M", R.SPOUSE, "*")], "org_leader"
        )
        volunteer = Family(
            [Person(58, "F", R.HEAD, "唐"), Person(60, "M", R.SPOUSE, "*")], "volunteer"
        )
        return [liu, leader, volunteer]

    def _pair_special(self, families, dwellings):
        targets = {"liu": "沱源", "org_leader": "伊顿小镇", "volunteer": "沱源"}
        dwellings = list(dwellings)
        pairs = []
        for family in families[:3]:
            cid = self.compounds[targets[family.kind]].id
            i = next(n for n, d in enumerate(dwellings) if d[0] == cid)
            pairs.append((family, dwellings.pop(i)))
        pairs += list(zip(families[3:], dwellings, strict=False))
        return pairs

    def _write_chunk(self, chunk, community_of) -> None:
        w = self.writer
        household_ids = w.reserve(Household, len(chunk))
        households, made = [], []
        for (family, (cid, (unit, floor, door, kind))), hid in zip(
            chunk, household_ids, strict=True
        ):
            low, high = AREAS[kind]
            area = Decimal(self.rng.randrange(low * 100, high * 100)) / 100
            community_id = community_of[cid]
            households.append(
                (hid, uuid_hex(self.rng), unit.id, cid, community_id, floor, door, area, self.now)
            )
            people = self.make_people(family)
            for p in people:
                p.household_id = hid
                p.community_id = community_id
            made.append((family, community_id, people))
        w.insert(Household, HOUSEHOLD_COLUMNS, households)
        everyone = [p for _f, _c, people in made for p in people]
        for p, rid in zip(everyone, w.reserve(Resident, len(everyone)), strict=True):
            p.id = rid
        w.insert(Resident, RESIDENT_COLUMNS, [p.row(self.now) for p in everyone])
        self._write_links(made)

    def make_people(self, family: Family) -> list[NewResident]:
        head_surname = family.people[0].surname
        if head_surname in ("", "*"):
            head_surname = self.surname()
        people = []
        for person in family.people:
            if person.surname == "":
                surname = head_surname
            elif person.surname == "*":
                surname = self.surname()
            else:
                surname = person.surname
            if person.relation in (R.CHILD, R.GRANDCHILD) and self.rng.random() < 0.08:
                surname = self.surname()  # some children take their mother's surname
            birth = self.birth_date(person.age)
            phone = self.mobile() if self.wants_mobile(person.age) else ""
            people.append(
                NewResident(
                    uuid=uuid_hex(self.rng),
                    name=surname + self.given_name(person.sex),
                    sex=person.sex,
                    birth=birth,
                    age=person.age,
                    relation=person.relation,
                    id_number=self.id_number(birth, person.sex),
                    phone=phone,
                    tags=self.person_tags(person, family),
                )
            )
        self._special_names(family, people)
        return people

    def _special_names(self, family: Family, people: list[NewResident]) -> None:
        names = {"liu": LIU_NAME, "org_leader": "杨桂兰", "volunteer": "唐丽"}
        mobiles = {"liu": "13800000011", "org_leader": "13800000007", "volunteer": "13800000010"}
        if family.kind not in names:
            return
        first = people[0]
        first.name = names[family.kind]
        first.phone = mobiles[family.kind]
        if family.kind == "liu":
            first.tags.add("chronic_illness")
        if family.kind == "volunteer":
            first.tags.add("volunteer")
        self.special[family.kind] = first

    def person_tags(self, person: Person, family: Family) -> set[str]:
        rng, age = self.rng, person.age
        tags = set(family.tags)
        if age >= 80:
            tags.add("elderly_80")
        if age >= 60 and len(family.people) == 1:
            tags.add("living_alone")
        if age >= 60 and all(p.age >= 60 for p in family.people):
            tags.add("empty_nest")
        if family.kind == "left_behind" and age < 16:
            tags.add("left_behind_child")
        chances = [
            ("chronic_illness", 0.3 if age >= 60 else 0.04 if age >= 35 else 0.0),
            ("disability", 0.05 if age >= 60 else 0.015),
            ("party_member", 0.08 if age >= 25 else 0.0),
            ("veteran", 0.05 if person.sex == "M" and age >= 30 else 0.0),
            ("volunteer", 0.1 if 55 <= age <= 75 else 0.03 if age >= 18 else 0.0),
        ]
        tags.update(code for code, chance in chances if rng.random() < chance)
        return tags

    def _write_links(self, made) -> None:
        tag_rows, consents, guardians = [], [], []
        for _family, community_id, people in made:
            adults = [p for p in people if p.age >= 18]
            for p in people:
                tag_rows += [(p.id, self.tag_ids[c]) for c in p.tags]
                guardian = self._guardian(p, adults)
                if guardian is not None:
                    guardians.append(
                        (uuid_hex(self.rng), p.id, guardian.id, guardian.relation_to(p))
                    )
                consents += self._consents(p, guardian)
                self._remember_candidate(community_id, p)
        w = self.writer
        w.insert(Resident.tags.through, ("resident_id", "tag_id"), tag_rows)
        w.insert(Guardian, ("uuid", "minor_id", "guardian_id", "relation"), guardians)
        w.insert(Consent, CONSENT_COLUMNS, consents)

    @staticmethod
    def _guardian(minor: NewResident, adults: list[NewResident]) -> NewResident | None:
        # The head guards the children: a parent, or a grandparent of left-behind children.
        if minor.age >= 14 or not adults:
            return None
        return adults[0]

    def _consents(self, p: NewResident, guardian: NewResident | None) -> list[tuple]:
        given_by = guardian.id if guardian else None
        purposes = ["register"]
        if p.tags & self.sensitive_tags:
            purposes.append("sensitive_tags")
        if p.phone:
            purposes.append("contact")
        return [(uuid_hex(self.rng), p.id, purpose, self.now, given_by) for purpose in purposes]

    def _remember_candidate(self, community_id: int, p: NewResident) -> None:
        if not 18 <= p.age <= 80:
            return
        pool = self.candidates.setdefault(community_id, [])
        entry = (p.id, p.name, p.phone, "volunteer" in p.tags)
        if len(pool) < 3000:
            pool.append(entry)
        elif self.rng.random() < 0.1:
            pool[self.rng.randrange(len(pool))] = entry

    # --- organisations and logins ----------------------------------------------------------

    def make_organisations(self) -> None:
        orgs, members_of = [], []
        for community in self.communities.values():
            short = community.name.removesuffix("社区")
            pool = self.candidates.get(community.id, [])
            specs = [(f"{short}{s}", k, f, d) for s, k, f, d in ORGANISATIONS]
            if community.name == "三江社区":
                specs.append(REGISTERED_ORGANISATION)
            for name, kind, fld, description in specs:
                members = self.rng.sample(pool, min(len(pool), self.rng.randrange(8, 41)))
                if community.name == "三江社区" and name.endswith("舞蹈队"):
                    r = self.special["org_leader"]
                    members = [(r.id, r.name, r.phone, False), *members]
                # A leader people can ring: the first member with a mobile.
                leader = next((m for m in members if m[2]), members[0] if members else None)
                orgs.append(
                    Organization(
                        uuid=self.uuid(),
                        name=name,
                        kind=kind,
                        field=fld,
                        community=community,
                        leader_id=leader[0] if leader else None,
                        contact_name=leader[1] if leader else "",
                        contact_phone=leader[2] if leader else "",
                        description=description,
                        founded_on=dt.date(self.rng.randrange(2015, 2026), 1, 1)
                        + dt.timedelta(days=self.rng.randrange(365)),
                    )
                )
                members_of.append(members)
        self.bulk(Organization, orgs)
        rows, volunteer_tags = [], []
        for org, members in zip(orgs, members_of, strict=True):
            ids = dict.fromkeys(m[0] for m in members)  # once each, in order
            rows += [Membership(organization=org, resident_id=i) for i in ids]
            if org.field == Organization.Field.VOLUNTEERING:
                volunteer_tags += [m[0] for m in members if not m[3]]
        self.bulk(Membership, rows)
        # Members of a volunteer team carry the volunteer tag too.
        through, tag_id = Resident.tags.through, self.tags["volunteer"].id
        self.bulk(
            through,
            [through(resident_id=i, tag_id=tag_id) for i in dict.fromkeys(volunteer_tags)],
        )

    def make_logins(self, street: Street) -> None:
        password = make_password(DEMO_PASSWORD)  # one hash: PBKDF2 per user costs ~0.5 s
        nodes = {"street": street, **self.communities, **self.compounds}
        users, assignments = [], []
        residents = {
            Role.RESIDENT: self.special["liu"],
            Role.ORG_LEADER: self.special["org_leader"],
            Role.VOLUNTEER: self.special["volunteer"],
        }
        for login in DEMO_LOGINS:
            user = User(
                uuid=self.uuid(),
                mobile=login.mobile,
                name=login.name,
                password=password,
                is_staff=login.role == Role.STREET_ADMIN,
                resident_id=residents[login.role].id if login.role in residents else None,
            )
            users.append(user)
            node = nodes[login.node]
            assignments.append(
                RoleAssignment(
                    uuid=self.uuid(),
                    user=user,
                    role=login.role,
                    street=node if isinstance(node, Street) else None,
                    community=node if isinstance(node, Community) else None,
                    compound=node if isinstance(node, Compound) else None,
                )
            )
        self.bulk(User, users)
        self.bulk(RoleAssignment, assignments)
        grid_member = next(
            u for u, d in zip(users, DEMO_LOGINS, strict=True) if d.role == Role.GRID_MEMBER
        )
        sanjiang_grid = next(
            g for g in self.grids if g.community_id == self.communities["三江社区"].id
        )
        sanjiang_grid.members.add(grid_member)


@dataclass
class SeedResult:
    created: bool
    counts: dict[str, int]
    seconds: float
    cpu_seconds: float = 0.0  # this process only; a PostgreSQL server works on its own


def seed_demo(
    *, residents: int = 5000, seed: int = 2026, log: Callable[[str], None] | None = None
) -> SeedResult:
    """Build the demo street unless it is already there."""
    log = log or (lambda _msg: None)
    started, cpu_started = time.perf_counter(), time.process_time()
    if Street.objects.filter(code=STREET_CODE).exists():
        return SeedResult(False, {}, 0.0)
    if residents < MIN_RESIDENTS:
        raise ValueError(f"The demo street needs at least {MIN_RESIDENTS} residents.")
    seeder = Seeder(residents=residents, seed=seed, log=log)
    counts = seeder.run()
    counts.update(seed_spaces(seed=seed, log=log))
    analyze(counts)
    return SeedResult(
        True, counts, time.perf_counter() - started, time.process_time() - cpu_started
    )


def analyze(counts: dict[str, int]) -> None:
    """Refresh the planner's statistics (and on PostgreSQL the visibility map) of the
    tables just loaded.

    Without it PostgreSQL plans the register's searches as if the tables were still empty
    (nested loops over 75,000 households: seconds instead of milliseconds) until
    autovacuum happens to analyse them.
    """
    from django.apps import apps

    connection = connections["default"]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        models = {m._meta.label_lower: m for m in apps.get_models(include_auto_created=True)}
        tables = sorted(
            connection.ops.quote_name(models[label]._meta.db_table)
            for label in counts
            if label in models
        )
        # VACUUM also sets the visibility map, so name searches over the register are
        # answered from the (community, name) index alone; it cannot run in a transaction
        # (as in tests), where statistics alone will do.
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        cursor.execute(f"{verb} " + ", ".join(tables))


def demo_login_rows() -> list[tuple[str, str, str, str, str]]:
    """(role, 角色, name, mobile, password) for each demo login in the database."""
    from django.utils import translation

    existing = set(
        User.objects.filter(mobile__in=[d.mobile for d in DEMO_LOGINS]).values_list(
            "mobile", flat=True
        )
    )
    rows = []
    for d in DEMO_LOGINS:
        if d.mobile not in existing:
            continue
        with translation.override("en"):
            english = str(Role(d.role).label)
        with translation.override("zh-hans"):
            chinese = str(Role(d.role).label)
        rows.append((english, chinese, d.name, d.mobile, DEMO_PASSWORD))
    return rows
