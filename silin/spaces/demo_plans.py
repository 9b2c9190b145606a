"""The demo street's spaces as planned: the rooms of each community's Party-mass service
centre, the spaces in compounds, their weekly hours, the renewals they came from, and what
people book each kind of space for. `silin.spaces.demo` seeds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from silin.spaces.models import Space

K = Space.Kind
A = Space.Amenity

T = dt.time
# Weekly opening hours: weekday (0 = Monday) -> [(opens, closes), ...]
EVERY_DAY = range(7)
HOURS = {
    "centre": {d: [(T(8), T(12)), (T(14), T(21))] for d in EVERY_DAY},
    "lounge": {d: [(T(8), T(21))] for d in EVERY_DAY},
    "reading": {d: [(T(9), T(20))] for d in range(1, 7)},  # closed on Mondays
    "canteen": {d: [(T(10, 30), T(13, 30)), (T(16, 30), T(18, 30))] for d in EVERY_DAY},
    "courtyard": {d: [(T(7), T(21, 30))] for d in EVERY_DAY},
    "deliberation": {d: [(T(9), T(12)), (T(14), T(20, 30))] for d in range(6)},
    "sports": {d: [(T(6, 30), T(21, 30))] for d in EVERY_DAY},
}


@dataclass(frozen=True)
class Plan:
    """One space of the demo street."""

    name: str
    kind: str
    hours: str
    capacity: int
    community: str
    compound: str | None = None
    parent: str | None = None  # name of the centre it is a room of
    address: str = ""
    amenities: tuple[str, ...] = ()
    step_free: bool = True
    lift: bool = False
    accessible_toilet: bool = False
    approval: bool = False
    reach: str = Space.Reach.COMMUNITY
    org: str | None = None  # suffix of the managing organisation's name
    description: str = ""


CENTRE = "党群服务中心"
SANJIANG = "三江社区"
OTHER_COMMUNITIES = ["金龙社区", "玉虹社区", "滨江社区", "龙王社区", "淮口社区"]

SANJIANG_ROOMS = [
    Plan("居民休息厅", K.LOUNGE, "lounge", 30, SANJIANG, address="一楼东侧",
         amenities=(A.WIFI, A.TEA, A.TABLES, A.AIR_CONDITIONING, A.TOILET),
         accessible_toilet=True, reach=Space.Reach.STREET,
         description="党群服务中心亲民化改造后开放的休息厅，喝茶、歇脚、摆龙门阵。"),
    Plan("阅读吧", K.READING_BAR, "reading", 20, SANJIANG, address="二楼", lift=True,
         amenities=(A.BOOKS, A.WIFI, A.TABLES, A.AIR_CONDITIONING), reach=Space.Reach.STREET,
         description="图书三千余册，报刊每日更新；周一闭馆整理。"),
    Plan("舞蹈室", K.DANCE_ROOM, "centre", 25, SANJIANG, address="三楼", lift=True,
         amenities=(A.MIRRORS, A.SOUND, A.AIR_CONDITIONING), org="舞蹈队",
         description="舞蹈队每晚排练，白天可预约练习。"),
    Plan("长者食坊", K.ELDER_CANTEEN, "canteen", 40, SANJIANG, address="一楼西侧",
         amenities=(A.KITCHEN, A.TABLES, A.TOILET), accessible_toilet=True,
         org="小老助大老志愿服务队",
         description="为老年人提供午餐和晚餐，小老助大老志愿者帮忙送餐。"),
    Plan("活动中心", K.ACTIVITY_CENTRE, "centre", 40, SANJIANG, address="二楼", lift=True,
         amenities=(A.CHESS, A.TABLES, A.TEA, A.AIR_CONDITIONING),
         description="打牌、下棋、练乐器，下午最热闹。"),
    Plan("棋艺室", K.ACTIVITY_CENTRE, "centre", 16, SANJIANG, address="一楼北侧",
         amenities=(A.CHESS, A.TABLES, A.TEA), org="象棋协会",
         description="象棋协会的活动室，每天上午棋友切磋。"),
    Plan("多功能厅", K.OTHER, "centre", 80, SANJIANG, address="三楼", lift=True,
         amenities=(A.PROJECTOR, A.SOUND, A.TABLES, A.AIR_CONDITIONING), approval=True,
         reach=Space.Reach.STREET, description="讲座、培训和社区大会；预约需社区审核。"),
    Plan("居民议事厅", K.DELIBERATION, "deliberation", 30, SANJIANG, address="二楼", lift=True,
         amenities=(A.TABLES, A.PROJECTOR, A.TEA), approval=True,
         description="居民议事会、院委会和“我为社区献一策”座谈在这里开。"),
    Plan("中心印象小座", K.DELIBERATION, "deliberation", 10, SANJIANG, address="中心庭院",
         amenities=(A.TABLES, A.TEA), description="庭院里的小座，三五邻居坐下来商量事。"),
]  # fmt: skip

OTHER_ROOMS = [  # every other community's centre has these
    ("居民休息厅", K.LOUNGE, "lounge", 24, (A.TEA, A.TABLES, A.WIFI)),
    ("阅读吧", K.READING_BAR, "reading", 16, (A.BOOKS, A.TABLES)),
    ("活动室", K.ACTIVITY_CENTRE, "centre", 30, (A.CHESS, A.TABLES, A.TEA)),
    ("居民议事厅", K.DELIBERATION, "deliberation", 24, (A.TABLES, A.TEA)),
]

COMPOUND_SPACES = [
    Plan("邻里荟", K.COURTYARD, "courtyard", 30, SANJIANG, "沱源", address="5栋架空层",
         amenities=(A.TABLES, A.TEA, A.CHESS, A.BOOKS), reach=Space.Reach.COMPOUND,
         org="院落互助联盟", description="沱源5栋闲置架空层微更新而成的邻里共享空间。"),
    Plan("沱源印象小座", K.DELIBERATION, "deliberation", 12, SANJIANG, "沱源",
         address="中庭", amenities=(A.TABLES,), reach=Space.Reach.COMPOUND),
    Plan("沱源楼栋议事角", K.DELIBERATION, "deliberation", 10, SANJIANG, "沱源",
         address="3栋一楼", reach=Space.Reach.COMPOUND),
    Plan("金岭驿站", K.COURTYARD, "courtyard", 25, SANJIANG, "伊顿小镇", address="会所一楼",
         amenities=(A.TEA, A.TABLES, A.WIFI, A.FIRST_AID), accessible_toilet=True,
         description="伊顿小镇闲置用房改造的驿站，歇脚、喝茶、取快递。"),
    Plan("伊顿小镇印象小座", K.DELIBERATION, "deliberation", 12, SANJIANG, "伊顿小镇",
         address="小区花园", reach=Space.Reach.COMPOUND),
    Plan("伊顿小镇业委会议事室", K.DELIBERATION, "deliberation", 15, SANJIANG, "伊顿小镇",
         address="会所二楼", step_free=False, approval=True, reach=Space.Reach.COMPOUND),
    Plan("三江院落坝坝", K.COURTYARD, "courtyard", 40, SANJIANG, "三江老院落",
         amenities=(A.TABLES,), description="老旧院落改造后的院坝，坝坝宴、乘凉。"),
    Plan("三江院坝议事角", K.DELIBERATION, "deliberation", 12, SANJIANG, "三江老院落",
         reach=Space.Reach.COMPOUND),
    Plan("睦邻中心", K.LOUNGE, "lounge", 35, "金龙社区", "金都华府", address="12栋旁",
         amenities=(A.TEA, A.TABLES, A.WIFI, A.AIR_CONDITIONING, A.TOILET),
         accessible_toilet=True, description="金都华府闲置空地上新建的睦邻中心。"),
    Plan("金都华府印象小座", K.DELIBERATION, "deliberation", 12, "金龙社区", "金都华府",
         reach=Space.Reach.COMPOUND),
    Plan("金都华府业委会议事室", K.DELIBERATION, "deliberation", 15, "金龙社区", "金都华府",
         approval=True, reach=Space.Reach.COMPOUND),
    Plan("安置小区活动室", K.ACTIVITY_CENTRE, "centre", 30, "金龙社区", "金龙安置小区",
         amenities=(A.CHESS, A.TABLES)),
    Plan("金龙邻里议事亭", K.DELIBERATION, "deliberation", 12, "金龙社区", "金龙安置小区"),
    Plan("金龙安置小区篮球场", K.SPORTS, "sports", 20, "金龙社区", "金龙安置小区"),
    Plan("玉虹书屋", K.READING_BAR, "reading", 15, "玉虹社区", "玉虹花园",
         amenities=(A.BOOKS, A.TABLES)),
    Plan("玉虹印象小座", K.DELIBERATION, "deliberation", 10, "玉虹社区", "玉虹花园",
         reach=Space.Reach.COMPOUND),
    Plan("玉虹花园院落议事亭", K.DELIBERATION, "deliberation", 10, "玉虹社区", "玉虹花园",
         reach=Space.Reach.COMPOUND),
    Plan("粮站老院坝", K.COURTYARD, "courtyard", 30, "玉虹社区", "粮站院落",
         amenities=(A.TABLES, A.TEA)),
    Plan("粮站院落议事会客厅", K.DELIBERATION, "deliberation", 12, "玉虹社区", "粮站院落",
         reach=Space.Reach.COMPOUND),
    Plan("滨江邻里客厅", K.LOUNGE, "lounge", 25, "滨江社区", "滨江壹号", address="2栋架空层",
         amenities=(A.TEA, A.TABLES, A.WIFI)),
    Plan("滨江印象小座", K.DELIBERATION, "deliberation", 10, "滨江社区", "滨江壹号",
         reach=Space.Reach.COMPOUND),
    Plan("滨江壹号业委会议事室", K.DELIBERATION, "deliberation", 15, "滨江社区", "滨江壹号",
         approval=True, reach=Space.Reach.COMPOUND),
    Plan("滨江健身场", K.SPORTS, "sports", 30, "滨江社区", "滨江壹号"),
    Plan("龙王邻里中心", K.ACTIVITY_CENTRE, "centre", 35, "龙王社区", "龙王安置小区",
         amenities=(A.CHESS, A.TABLES, A.TEA, A.SOUND)),
    Plan("龙王议事厅", K.DELIBERATION, "deliberation", 20, "龙王社区", "龙王安置小区"),
    Plan("供销社老屋茶社", K.COURTYARD, "courtyard", 20, "淮口社区", "供销社院落",
         amenities=(A.TEA, A.TABLES, A.CHESS), description="供销社院落闲置老屋改成的茶社。"),
    Plan("供销社院坝议事角", K.DELIBERATION, "deliberation", 12, "淮口社区", "供销社院落",
         reach=Space.Reach.COMPOUND),
]  # fmt: skip

# (title, community, compound, site, project, started, finished, cost, status, space)
RENEWALS = [
    ("三江社区党群服务中心亲民化改造", SANJIANG, None, "idle_rooms", "other",
     dt.date(2022, 3, 1), dt.date(2022, 9, 28), "480000.00", "opened", "居民休息厅"),
    ("沱源5栋架空层微更新", SANJIANG, "沱源", "open_ground_floor", "micro_renewal",
     dt.date(2023, 3, 1), dt.date(2023, 7, 15), "86500.00", "opened", "邻里荟"),
    ("伊顿小镇会所闲置用房改造", SANJIANG, "伊顿小镇", "idle_rooms", "micro_renewal",
     dt.date(2023, 5, 10), dt.date(2023, 9, 30), "124000.00", "opened", "金岭驿站"),
    ("三江老院落改造", SANJIANG, "三江老院落", "vacant_lot", "courtyard_renewal",
     dt.date(2022, 4, 6), dt.date(2022, 11, 20), "356000.00", "opened", "三江院落坝坝"),
    ("金都华府闲置空地建睦邻中心", "金龙社区", "金都华府", "vacant_lot", "micro_renewal",
     dt.date(2022, 10, 8), dt.date(2023, 4, 20), "218000.00", "opened", "睦邻中心"),
    ("粮站院落老旧院落改造", "玉虹社区", "粮站院落", "vacant_lot", "courtyard_renewal",
     dt.date(2023, 8, 1), dt.date(2024, 1, 18), "198000.00", "opened", "粮站老院坝"),
    ("供销社院落闲置老屋改造", "淮口社区", "供销社院落", "idle_rooms", "courtyard_renewal",
     dt.date(2024, 2, 26), dt.date(2024, 6, 30), "92000.00", "opened", "供销社老屋茶社"),
    ("滨江壹号2栋架空层微更新", "滨江社区", "滨江壹号", "open_ground_floor", "micro_renewal",
     dt.date(2024, 4, 1), dt.date(2024, 8, 16), "65000.00", "opened", "滨江邻里客厅"),
    ("龙王安置小区闲置空地改造", "龙王社区", "龙王安置小区", "vacant_lot", "micro_renewal",
     dt.date(2026, 9, 15), None, "150000.00", "in_progress", None),
    ("玉虹花园地下室闲置用房利用", "玉虹社区", "玉虹花园", "idle_rooms", "micro_renewal",
     None, None, None, "planned", None),
]  # fmt: skip

# What people book each kind of space for: (purpose, attendees range, minutes choices, who)
# `who` is the demo login booking it: "org" (the organisation's leader for it), "worker",
# "committee", "volunteer" or "resident".
Purpose = tuple[str, tuple[int, int], tuple[int, ...], str]
PURPOSES: dict[str, list[Purpose]] = {
    K.LOUNGE: [
        ("读书会", (6, 14), (90, 120), "resident"),
        ("邻里茶话会", (8, 20), (60, 120), "worker"),
        ("小老助大老结对见面", (4, 10), (60, 90), "volunteer"),
    ],
    K.READING_BAR: [
        ("亲子阅读", (6, 12), (60, 90), "resident"),
        ("书法练习", (4, 8), (90, 120), "resident"),
    ],
    K.DANCE_ROOM: [
        ("坝坝舞排练", (10, 20), (90, 120), "org"),
        ("太极拳", (6, 15), (60,), "resident"),
    ],
    K.ELDER_CANTEEN: [("长者晚餐", (10, 30), (60, 90), "volunteer")],
    K.ACTIVITY_CENTRE: [
        ("练二胡", (3, 8), (60, 90), "resident"),
        ("象棋友谊赛", (6, 16), (120,), "org"),
        ("健康讲座", (10, 30), (60, 90), "worker"),
    ],
    K.OTHER: [
        ("社区培训", (20, 60), (120, 180), "worker"),
        ("志愿者例会", (10, 30), (60, 90), "volunteer"),
    ],
    K.DELIBERATION: [
        ("居民议事会", (8, 20), (90, 120), "committee"),
        ("我为社区献一策座谈", (6, 15), (90,), "worker"),
        ("院落公约讨论", (6, 12), (60, 90), "committee"),
        ("邻里纠纷调解", (3, 6), (60,), "worker"),
    ],
    K.COURTYARD: [
        ("坝坝宴筹备", (8, 20), (90, 120), "committee"),
        ("邻里茶叙", (4, 12), (60, 120), "resident"),
        ("儿童托管", (6, 12), (120, 180), "volunteer"),
    ],
    K.SPORTS: [
        ("篮球友谊赛", (10, 20), (90,), "resident"),
        ("广场健身操", (10, 30), (60,), "resident"),
    ],
}
# How many bookings a space of a kind gets on a day: choices drawn from.
PER_DAY: dict[str, tuple[int, ...]] = {
    K.LOUNGE: (0, 1, 1, 2, 2, 3), K.READING_BAR: (0, 1, 1, 2), K.DANCE_ROOM: (0, 1, 1),
    K.ELDER_CANTEEN: (0, 1), K.ACTIVITY_CENTRE: (0, 1, 1, 2), K.OTHER: (0, 0, 1),
    K.DELIBERATION: (0, 0, 0, 1, 1), K.COURTYARD: (0, 1, 1, 2), K.SPORTS: (1, 1, 2),
}  # fmt: skip


def all_plans() -> list[Plan]:
    """Every space of the demo street, rooms of a centre naming it as their parent."""
    plans = [replace(p, parent=f"{SANJIANG}{CENTRE}") for p in SANJIANG_ROOMS]
    for name in OTHER_COMMUNITIES:
        short = name.removesuffix("社区")
        plans += [
            Plan(f"{short}{room}", kind, hours, capacity, name, parent=f"{name}{CENTRE}",
                 amenities=amenities, address="社区党群服务中心")
            for room, kind, hours, capacity, amenities in OTHER_ROOMS
        ]  # fmt: skip
    return plans + COMPOUND_SPACES
