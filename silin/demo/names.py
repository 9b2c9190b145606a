"""Names and numbers of the demo street: its communities and compounds, and the draws that
give each resident a name, a birth date, an identity card number and a mobile."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import uuid

from faker.providers.person.zh_CN import Provider

from silin.lib import idnumbers
from silin.lib.dates import years_ago

STREET_NAME = "赵镇街道"
STREET_CODE = "510121100000"
AREA_CODE = "510121"  # 金堂县

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


def uuid_hex(rng: random.Random) -> str:
    """A version-4 UUID as 32 hex digits, drawn from the seeded generator."""
    n = rng.getrandbits(128)
    n = (n & ~(0xF000 << 64)) | (0x4000 << 64)
    n = (n & ~(0xC000 << 48)) | (0x8000 << 48)
    return f"{n:032x}"


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Identities:
    """Names, birth dates, identity card numbers and mobiles, each number used once."""

    def __init__(self, rng: random.Random, *, today: dt.date, taken_mobiles: set[str]) -> None:
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()
        self.used_mobiles = set(taken_mobiles)
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
