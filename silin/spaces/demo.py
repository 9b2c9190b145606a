"""The demo street's shared spaces (邻空间): centres, courtyard spaces, deliberation venues,
where they came from, and a month of bookings on either side of today.

`seed_spaces()` runs after the street itself (`silin.core.demo.seed_demo` calls it) and
does nothing when the street already has spaces, so it is safe to run twice. The same
seed gives the same spaces, hours, renewals and bookings relative to the day it runs.

What goes through the services and what is bulk-loaded:
  - spaces, opening hours, exceptions, blocked periods and renewal records go through
    the audited services, as a worker would enter them (about a hundred small writes);
  - 刘大爷's weekday series from today on (morning chess, booked by himself; noon canteen,
    booked for him by a community worker; afternoon cards) go through
    `booking_series_create`, so they carry reminders like any booking;
  - everything else, past bookings above all (which no service may create: they would be
    "in the past"), is planned day by day per space inside the opening hours and written
    with bulk_create. The planner keeps every space's bookings apart, so no two bookings
    of a space that hold a slot ever overlap (PostgreSQL's exclusion constraint would
    refuse them anyway).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from silin.accounts.models import User
from silin.organizations.models import Organization
from silin.places.models import Community, Compound, Street
from silin.spaces.models import Booking, OpeningException, Space
from silin.spaces.services import blocks as block_services
from silin.spaces.services import hours as hour_services
from silin.spaces.services import renewals as renewal_services
from silin.spaces.services import series as series_services
from silin.spaces.services import spaces as space_services
from silin.spaces.services.renewals import RenewalData

DAYS_BACK = 28
DAYS_AHEAD = 28
K = Space.Kind
A = Space.Amenity
S = Booking.Status

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
PURPOSES = {
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
PER_DAY = {
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


@dataclass
class Cast:
    admin: User
    worker: User
    committee: User
    volunteer: User
    org_leader: User
    liu: User

    def booker(self, who: str) -> User:
        return {
            "worker": self.worker,
            "committee": self.committee,
            "volunteer": self.volunteer,
            "org": self.org_leader,
            "resident": self.org_leader,  # a resident with a login: the dance-team leader
        }[who]


@dataclass
class DaySheet:
    """Bookings planned for one space on one day, kept apart from each other."""

    taken: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)

    def fits(self, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        return all(ends_at <= s or starts_at >= e for s, e in self.taken)

    def take(self, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
        self.taken.append((starts_at, ends_at))


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class SpacesSeeder:
    def __init__(self, *, street: Street, seed: int, log: Callable[[str], None]) -> None:
        self.street = street
        self.rng = random.Random(seed * 7 + 4)
        self.log = log
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        self.communities = {c.name: c for c in Community.objects.filter(street=street)}
        self.compounds = {c.name: c for c in Compound.objects.filter(community__street=street)}
        self.spaces: dict[str, Space] = {}
        self.plans: dict[int, Plan] = {}
        self.sheets: dict[tuple[int, dt.date], DaySheet] = {}

    # --- spaces --------------------------------------------------------------------------

    def _org(self, community: Community, suffix: str | None) -> Organization | None:
        if suffix is None:
            return None
        short = community.name.removesuffix("社区")
        return Organization.objects.filter(community=community, name=f"{short}{suffix}").first()

    def _create(self, plan: Plan, parent: Space | None = None) -> Space:
        community = self.communities[plan.community]
        data = space_services.SpaceData(
            name=plan.name,
            kind=plan.kind,
            community=community,
            compound=self.compounds[plan.compound] if plan.compound else None,
            parent=parent,
            capacity=plan.capacity,
            address=plan.address,
            description=plan.description,
            amenities=list(plan.amenities),
            step_free=plan.step_free,
            lift=plan.lift,
            accessible_toilet=plan.accessible_toilet,
            managed_by=self._org(community, plan.org),
            manager=self.cast.worker if plan.community == SANJIANG else None,
            approval_required=plan.approval,
            reach=plan.reach,
            max_booking_minutes=240,
        )
        space = space_services.space_create(actor=self.cast.admin, data=data)
        windows = [(d, o, c) for d, spans in HOURS[plan.hours].items() for o, c in spans]
        hour_services.opening_hours_set(actor=self.cast.admin, space=space, windows=windows)
        self.spaces[plan.name] = space
        self.plans[space.pk] = plan
        return space

    def make_spaces(self) -> None:
        centres = {}
        for plan in all_plans():
            if plan.parent and plan.parent not in centres:
                centres[plan.parent] = self._centre(plan.community)
            self._create(plan, parent=centres.get(plan.parent))
        self.counts["spaces.space"] = Space.objects.filter(community__street=self.street).count()

    def _centre(self, community_name: str) -> Space:
        """The community's Party-mass service centre: the building whose rooms are booked
        (not booked as a whole, so it is not open for booking itself)."""
        community = self.communities[community_name]
        data = space_services.SpaceData(
            name=f"{community_name}{CENTRE}",
            kind=K.OTHER,
            community=community,
            capacity=200,
            address=community.address,
            description="社区党群服务中心：各功能室分别预约。",
            step_free=True,
            lift=community_name == SANJIANG,
            accessible_toilet=True,
            active=False,
            bookable_by_residents=False,
            bookable_by_organizations=False,
        )
        return space_services.space_create(actor=self.cast.admin, data=data)

    def make_exceptions(self) -> None:
        """A floor repair, a late evening and the rest day after a street event."""
        admin = self.cast.admin
        hour_services.opening_exception_add(
            actor=admin, space=self.spaces["舞蹈室"], date=self.today + dt.timedelta(days=10),
            reason=OpeningException.Reason.CLOSURE, note="地板维修",
        )  # fmt: skip
        hour_services.opening_exception_add(
            actor=admin, space=self.spaces["居民休息厅"], date=self.today + dt.timedelta(days=7),
            reason=OpeningException.Reason.SPECIAL, closed=False, opens=T(8), closes=T(22),
            note="邻里晚会，延长开放",
        )  # fmt: skip
        hour_services.opening_exception_add(
            actor=admin, space=self.spaces["邻里荟"], date=self.today - dt.timedelta(days=12),
            reason=OpeningException.Reason.CLOSURE, note="架空层消防检查",
        )  # fmt: skip
        start = _aware(self.today + dt.timedelta(days=5), T(9))
        block_services.blocked_period_create(
            actor=admin, space=self.spaces["多功能厅"], starts_at=start,
            ends_at=start + dt.timedelta(hours=3), reason="街道“四邻”行动推进会",
            overriders=[self.cast.worker],
        )  # fmt: skip

    def make_renewals(self) -> None:
        for (
            title,
            community,
            compound,
            site,
            project,
            began,
            ended,
            cost,
            status,
            space,
        ) in RENEWALS:
            renewal_services.renewal_create(
                actor=self.cast.admin,
                data=RenewalData(
                    title=title,
                    community=self.communities[community],
                    compound=self.compounds[compound] if compound else None,
                    site_kind=site,
                    project_kind=project,
                    started_on=began,
                    finished_on=ended,
                    cost=Decimal(cost) if cost else None,
                    status=status,
                    space=self.spaces[space] if space else None,
                    description=f"{title}：由社区牵头、居民议事会商定方案，院委会监督施工。",
                ),
            )
        self.counts["spaces.renewalrecord"] = len(RENEWALS)

    # --- bookings ------------------------------------------------------------------------

    def opening(self, space: Space, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        plan = self.plans[space.pk]
        if (space.pk, day) in self.closed_days:
            return []
        special = self.special_days.get((space.pk, day))
        spans = [special] if special else HOURS[plan.hours].get(day.weekday(), [])
        return [(_aware(day, o), _aware(day, c)) for o, c in spans]

    def sheet(self, space: Space, day: dt.date) -> DaySheet:
        return self.sheets.setdefault((space.pk, day), DaySheet())

    def liu_series(self) -> None:
        """刘大爷's weekdays: chess in the morning, the canteen at noon, cards after lunch.

        From tomorrow on through the services (a series each); the past month is planned
        like the other bookings, all checked in but one morning he did not come.
        """
        c = self.cast
        weekdays = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        first = self.today + dt.timedelta(days=1)
        last = self.today + dt.timedelta(days=DAYS_AHEAD - 2)
        until = f"UNTIL={last:%Y%m%d}T235959"
        series = [
            ("棋艺室", T(9), 120, "和棋友下象棋", 4, c.liu),
            ("长者食坊", T(11, 30), 60, "长者午餐", 1, c.worker),
            ("活动中心", T(14, 30), 150, "打牌", 4, c.liu),
        ]
        made = 0
        for name, time, minutes, purpose, attendees, actor in series:
            space = self.spaces[name]
            result = series_services.booking_series_create(
                actor=actor, space=space, rrule=f"{weekdays};{until}",
                first_starts_at=_aware(first, time), duration_minutes=minutes,
                purpose=purpose, attendees=attendees, booker=c.liu,
            )  # fmt: skip
            for b in result.bookings:
                self.sheet(space, timezone.localdate(b.starts_at)).take(b.starts_at, b.ends_at)
            made += len(result.bookings)
            for day in self._days(-DAYS_BACK, 1):
                if day.weekday() < 5:
                    starts_at = _aware(day, time)
                    self.liu_past.append((space, starts_at, minutes, purpose, attendees, actor))
        self.counts["spaces.booking (through services)"] = made

    def _last_week_wednesday(self) -> dt.date:
        return self.today - dt.timedelta(days=self.today.weekday() + 5)

    def _days(self, first: int, last: int) -> Iterable[dt.date]:
        for offset in range(first, last):
            yield self.today + dt.timedelta(days=offset)

    def _pick_time(self, space, day, minutes) -> tuple[dt.datetime, dt.datetime] | None:
        windows = [
            (s, e) for s, e in self.opening(space, day) if e - s >= dt.timedelta(minutes=minutes)
        ]
        if not windows:
            return None
        opens, closes = self.rng.choice(windows)
        slots = int((closes - opens).total_seconds() // 1800) - minutes // 30
        for _attempt in range(4):
            starts_at = opens + dt.timedelta(minutes=30 * self.rng.randrange(slots + 1))
            ends_at = starts_at + dt.timedelta(minutes=minutes)
            if self.sheet(space, day).fits(starts_at, ends_at):
                return starts_at, ends_at
        return None

    def _status(self, space: Space, starts_at, ends_at) -> str:
        if ends_at <= self.now:
            roll = self.rng.random()
            return S.CHECKED_IN if roll < 0.84 else S.NO_SHOW if roll < 0.96 else S.CANCELLED
        if starts_at <= self.now:
            return S.CHECKED_IN
        if space.approval_required and self.rng.random() < 0.4:
            return S.REQUESTED
        return S.CANCELLED if self.rng.random() < 0.04 else S.APPROVED

    def _booking(self, space, who: User, starts_at, ends_at, purpose, attendees, status, *,
                 booked_by=None, org=None) -> Booking:  # fmt: skip
        checked = status == S.CHECKED_IN
        decided = status in (S.APPROVED, S.CHECKED_IN, S.NO_SHOW) and space.approval_required
        return Booking(
            space=space,
            community_id=space.community_id,
            compound_id=space.compound_id,
            booker=who,
            household_id=self.households.get(who.pk),
            organization=org,
            booked_by=booked_by,
            purpose=purpose,
            attendees=min(attendees, space.capacity),
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
            decided_by=self.cast.worker if decided else None,
            decided_at=starts_at - dt.timedelta(days=2) if decided else None,
            checked_in_at=starts_at + dt.timedelta(minutes=self.rng.randrange(-10, 11))
            if checked
            else None,
            checked_in_by=who if checked else None,
        )

    def plan_bookings(self) -> list[Booking]:
        rows: list[Booking] = []
        for space, starts_at, minutes, purpose, attendees, actor in self.liu_past:
            ends_at = starts_at + dt.timedelta(minutes=minutes)
            day = timezone.localdate(starts_at)
            if not self.opening(space, day) or not self.sheet(space, day).fits(starts_at, ends_at):
                continue
            self.sheet(space, day).take(starts_at, ends_at)
            # He comes every weekday; one morning last week he did not (a cold).
            missed = day == self._last_week_wednesday() and minutes == 120
            status = S.APPROVED if starts_at > self.now else S.CHECKED_IN
            status = S.NO_SHOW if missed else status
            booked_by = actor if actor.pk != self.cast.liu.pk else None
            rows.append(self._booking(space, self.cast.liu, starts_at, ends_at, purpose,
                                      attendees, status, booked_by=booked_by))  # fmt: skip
        for space in sorted(self.spaces.values(), key=lambda s: s.pk):
            for day in self._days(-DAYS_BACK, DAYS_AHEAD):
                rows += self._day_of(space, day)
        return rows

    def _day_of(self, space: Space, day: dt.date) -> list[Booking]:
        rows = []
        for _n in range(self.rng.choice(PER_DAY[space.kind])):
            purpose, (low, high), lengths, who = self.rng.choice(PURPOSES[space.kind])
            slot = self._pick_time(space, day, self.rng.choice(lengths))
            if slot is None:
                continue
            starts_at, ends_at = slot
            if starts_at > self.now + dt.timedelta(days=space.book_ahead_days):
                continue
            status = self._status(space, starts_at, ends_at)
            if status != S.CANCELLED:  # a cancelled booking leaves the slot free
                self.sheet(space, day).take(starts_at, ends_at)
            booker = self.neighbours.get(space.community_id) or self.cast.booker(who)
            org = self.org_of_leader.get(space.community_id) if who == "org" else None
            rows.append(self._booking(space, booker, starts_at, ends_at, purpose,
                                      self.rng.randint(low, high), status, org=org))  # fmt: skip
        return rows

    def make_bookings(self) -> None:
        self.liu_past: list[tuple] = []
        self.liu_series()
        rows = self.plan_bookings()
        Booking.objects.bulk_create(rows, batch_size=2000)
        self.counts["spaces.booking"] = Booking.objects.filter(
            community__street=self.street
        ).count()

    # --- the run -------------------------------------------------------------------------

    def load_cast(self) -> None:
        from silin.core.demo import DEMO_LOGINS
        from silin.core.roles import Role

        by_role = {d.role: d.mobile for d in DEMO_LOGINS}
        users = {u.mobile: u for u in User.objects.filter(mobile__in=by_role.values())}
        self.cast = Cast(
            admin=users[by_role[Role.STREET_ADMIN]],
            worker=users[by_role[Role.COMMUNITY_WORKER]],
            committee=users[by_role[Role.COMMITTEE_MEMBER]],
            volunteer=users[by_role[Role.VOLUNTEER]],
            org_leader=users[by_role[Role.ORG_LEADER]],
            liu=users[by_role[Role.RESIDENT]],
        )
        self.households = {
            u.pk: u.resident.household_id for u in users.values() if u.resident_id is not None
        }
        self.load_neighbours()
        leader_orgs = Organization.objects.filter(
            leader_id=self.cast.org_leader.resident_id
        ).order_by("pk")
        self.org_of_leader = {o.community_id: o for o in leader_orgs}

    def load_neighbours(self) -> None:
        """A resident login in each community besides 三江社区 (where the demo logins live),
        so the bookings of a community's spaces are made by someone who may book them.

        They have no password: they exist for the data; the published demo logins remain
        the accounts to try.
        """
        from silin.accounts.models import RoleAssignment
        from silin.core.roles import Role
        from silin.people.models import Resident

        self.neighbours: dict[int, User] = {}
        adult = self.today.replace(year=self.today.year - 30, day=1)
        for index, community in enumerate(sorted(self.communities.values(), key=lambda c: c.code)):
            if community.name == SANJIANG:
                continue
            resident = (
                Resident.objects.filter(
                    community=community, birth_date__lte=adult, status=Resident.Status.LIVING
                )
                .select_related("household")
                .order_by("pk")
                .first()
            )
            if resident is None:
                continue
            user, created = User.objects.get_or_create(
                mobile=f"1380000{index + 1:02d}00",
                defaults={"name": resident.name, "resident": resident},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                RoleAssignment.objects.create(
                    user=user, role=Role.RESIDENT, compound_id=resident.household.compound_id
                )
            self.neighbours[community.pk] = user
            self.households[user.pk] = user.resident.household_id

    def load_calendar(self) -> None:
        rows = OpeningException.objects.filter(space__community__street=self.street)
        self.closed_days = {(e.space_id, e.date) for e in rows if e.closed}
        self.special_days = {
            (e.space_id, e.date): (e.opens, e.closes) for e in rows if not e.closed
        }

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.load_cast()
            self.make_spaces()
            self.make_exceptions()
            self.load_calendar()
            self.make_renewals()
            self.make_bookings()
        return self.counts


def seed_spaces(*, seed: int = 2026, log: Callable[[str], None] | None = None) -> dict[str, int]:
    """The demo street's spaces, renewals and bookings, unless it has spaces already."""
    from silin.core.demo import STREET_CODE

    street = Street.objects.filter(code=STREET_CODE).first()
    if street is None or Space.objects.filter(community__street=street).exists():
        return {}
    counts = SpacesSeeder(street=street, seed=seed, log=log or (lambda _msg: None)).run()
    return counts
