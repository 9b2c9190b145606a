"""The demo street's activities (邻距离): the 邻里亲 catalogue from the article, a few
months of past events with attendance, upcoming events with sign-ups and waiting lists.

`seed(ctx)` runs after the spaces (the demo app calls each app's seed in layer order) and
does nothing when the street already has a catalogue, so it is safe to run twice.

What goes through the services and what is bulk-loaded:
  - the catalogue, the communities' adoptions, the upcoming events (the 坝坝宴 booked in
    沱源's shared space) and their sign-ups go through the audited services;
  - past events (which no service may create: they would be "in the past") and their
    attendance are written with bulk_create. Attendance is drawn so that a few residents
    come often and many never: each participant has a weight from a long-tailed draw.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone

from silin.accounts.models import RoleAssignment, User
from silin.activities.models import CatalogueItem, Category, Event, Feedback, SignUp, Stage
from silin.activities.services import catalogue, events, proposals, series, signups
from silin.activities.services.common import ActivityError
from silin.core.roles import Role
from silin.core.seeding import DemoContext
from silin.people.models import Resident, Tag
from silin.places.models import Community, Compound, Street
from silin.spaces.models import Space

C, S = Category, Stage
SANJIANG = "三江社区"
# Resident accounts (no password) that take part, besides the demo logins: per community.
PARTICIPANTS = {SANJIANG: 80}
PARTICIPANTS_ELSEWHERE = 40
# A year of past events: 三江 two or three a week, every other community about one in
# most weeks (about 300 in all, as the article's street runs), with attendance and
# feedback drawn so that a few residents come often and many never.
PAST_WEEKS = 52
FEEDBACK_SHARE = 0.55
# Share of past activities a visitor joined at the door, and the names such guests gave.
GUEST_SHARE = 0.3
GUESTS = ("张阿姨的表妹", "李叔", "来访的王老师", "小陈（亲戚）", "赵大姐")
RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (2, 3, 10, 35, 50)

# (title, category, stage, audience, group size, minutes, cost, materials, description)
CATALOGUE: list[tuple[str, str, str, dict, int, int, str, str, str]] = [
    (
        "亲子运动会",
        C.PARENT_CHILD,
        S.ALL,
        {"for_families": True, "for_children": True},
        40,
        150,
        "0",
        "跳绳、沙包、接力棒",
        "家长和孩子一起参加的趣味运动会。",
    ),
    (
        "亲子绘本共读",
        C.PARENT_CHILD,
        S.ALL,
        {"for_families": True, "for_children": True, "max_age": 12},
        16,
        90,
        "0",
        "绘本、坐垫",
        "周末在书吧一起读绘本。",
    ),
    ("社区广场舞", C.CULTURE_SPORTS, S.ALL, {"for_elderly": True}, 30, 90, "0", "音响", ""),
    ("太极拳晨练", C.CULTURE_SPORTS, S.ALL, {"for_elderly": True}, 20, 60, "0", "", ""),
    (
        "邻里联谊会",
        C.SOCIAL,
        S.ALL,
        {"for_families": True},
        50,
        120,
        "5",
        "茶水、瓜子",
        "认识新邻居。",
    ),
    ("中秋游园会", C.SOCIAL, S.ALL, {"for_families": True}, 80, 180, "0", "灯笼、月饼", ""),
    (
        "象棋联赛",
        C.LEAGUE,
        S.ACQUAINTANCE_FRIEND,
        {"min_age": 10},
        24,
        180,
        "0",
        "棋盘、计时器",
        "各小区棋友每周对弈，积分排名。",
    ),
    (
        "邻里篮球联赛",
        C.LEAGUE,
        S.ACQUAINTANCE_FRIEND,
        {"min_age": 14, "max_age": 60},
        30,
        120,
        "0",
        "篮球",
        "",
    ),
    (
        "厨艺比赛",
        C.COMPETITION,
        S.ACQUAINTANCE_FRIEND,
        {"for_families": True},
        20,
        150,
        "20",
        "食材自备",
        "各家拿出拿手菜，邻居评分。",
    ),
    (
        "院落坝坝宴",
        C.BANQUET,
        S.ACQUAINTANCE_FRIEND,
        {"for_families": True, "for_elderly": True},
        60,
        180,
        "30",
        "桌椅、炊具",
        "院坝里摆上长桌，各家出一道菜。",
    ),
    (
        "心理关怀小组",
        C.PSYCHOLOGICAL,
        S.FRIEND_FAMILY,
        {"min_age": 18},
        10,
        90,
        "0",
        "",
        "社工带领的心理支持小组。",
    ),
    (
        "独居老人探访",
        C.SPECIAL_CARE,
        S.FRIEND_FAMILY,
        {"for_elderly": True},
        8,
        120,
        "0",
        "慰问品",
        "志愿者结对探访独居老人。",
    ),
    (
        "四点半课堂",
        C.CHILDCARE,
        S.FRIEND_FAMILY,
        {"for_children": True, "min_age": 6, "max_age": 12},
        20,
        120,
        "0",
        "作业本",
        "放学后的托管与作业辅导。",
    ),
    ("智能手机课", C.LEARNING, S.ALL, {"for_elderly": True}, 15, 90, "0", "手机", "教长辈用手机。"),
    ("楼栋清洁日", C.VOLUNTEERING, S.ALL, {}, 20, 120, "0", "扫帚、手套", ""),
]

# Upcoming: (catalogue title, days ahead, hour, capacity, companions cap, space name or place)
UPCOMING = [
    ("院落坝坝宴", 6, 11, 40, 2, "邻里荟"),
    ("象棋联赛", 2, 14, 8, 0, "三江社区党群服务中心"),
    ("亲子运动会", 9, 9, 30, 2, "三江小学操场"),
    ("智能手机课", 3, 10, 4, 0, "沱源小区活动室"),
    ("心理关怀小组", 4, 15, 10, 0, "三江社区社工站"),
    ("四点半课堂", 1, 16, 20, 0, "三江社区书吧"),
    ("邻里联谊会", 12, 19, 50, 1, "伊顿小镇中庭"),
]


# Events for tagged residents: (catalogue title, tag codes, days ahead, hour)
TAGGED = [
    ("心理关怀小组", "living_alone empty_nest", 6, 10),
    ("太极拳晨练", "elderly_80", 2, 8),
]

# Residents' proposals, pending: (title, category, description)
PROPOSALS = [
    ("院坝电影夜", C.SOCIAL, "夏天晚上在院坝放老电影，大家带凳子来。"),
    ("老物件分享会", C.CULTURE_SPORTS, "每家拿一件老物件，讲讲它的故事。"),
]


class ActivitiesSeeder:
    def __init__(self, ctx: DemoContext) -> None:
        self.street = cast(Street, ctx.street)
        self.rng = random.Random(ctx.seed * 11 + 5)
        self.ctx = ctx
        self.counts: dict[str, int] = {}
        self.communities = {c.name: c for c in Community.objects.filter(street=self.street)}
        self.sanjiang = self.communities[SANJIANG]

    def bump(self, label: str, n: int = 1) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    def load_cast(self) -> None:
        by_role = {role: login.mobile for role, login in self.ctx.logins.items()}
        users = {u.mobile: u for u in User.objects.filter(mobile__in=by_role.values())}
        self.admin = users[by_role[Role.STREET_ADMIN]]
        self.worker = users[by_role[Role.COMMUNITY_WORKER]]
        self.liu = users[by_role[Role.RESIDENT]]

    def load_participants(self) -> None:
        """Resident accounts without a password (they exist for the data), community by
        community; 三江社区's are `self.people`."""
        adult = self.ctx.today.replace(year=self.ctx.today.year - 18, day=1)
        taken = set(User.objects.exclude(resident=None).values_list("resident_id", flat=True))
        self.crowds: dict[int, tuple[list[User], list[float]]] = {}
        number = 0
        for name, community in sorted(self.communities.items()):
            wanted = PARTICIPANTS.get(name, PARTICIPANTS_ELSEWHERE)
            residents = [
                r
                for r in Resident.objects.filter(
                    community=community, status=Resident.Status.LIVING, birth_date__lte=adult
                )
                .select_related("household")
                .order_by("pk")
                if r.pk not in taken
            ][:wanted]
            people = []
            for r in residents:
                user, created = User.objects.get_or_create(
                    mobile=f"1770000{number:04d}", defaults={"name": r.name, "resident": r}
                )
                number += 1
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                    RoleAssignment.objects.create(
                        user=user, role=Role.RESIDENT, compound_id=r.household.compound_id
                    )
                people.append(user)
            # A long tail: a few come often, many never (about half never take part).
            weights = [
                0.0 if self.rng.random() < 0.5 else self.rng.paretovariate(1.2) for _ in people
            ]
            self.crowds[community.pk] = (people, weights)
        self.people, self.weights = self.crowds[self.sanjiang.pk]

    def make_catalogue(self) -> None:
        self.items: dict[str, CatalogueItem] = {}
        for title, cat, stage, audience, size, minutes, cost, materials, text in CATALOGUE:
            data = catalogue.ItemData(
                title=title,
                category=cat,
                stage=stage,
                description=text,
                group_size=size,
                duration_minutes=minutes,
                cost_yuan=Decimal(cost),
                materials=materials,
                **audience,
            )
            self.items[title] = catalogue.item_create(
                actor=self.admin, street=self.street, data=data
            )
            self.bump("activities.catalogueitem")
        for title in ("院落坝坝宴", "象棋联赛", "四点半课堂"):
            catalogue.item_adopt(actor=self.worker, item=self.items[title], community=self.sanjiang)
            self.bump("activities.catalogueitem")

    def _at(self, days: int, hour: int) -> dt.datetime:
        day = self.ctx.today + dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    def _past_count(self, community: Community) -> int:
        if community.pk == self.sanjiang.pk:
            return self.rng.choice((2, 3))
        return 1 if self.rng.random() < 0.75 else 0

    def make_past(self) -> None:
        """A year of past events in every community, with attendance and feedback."""
        compounds: dict[int, list[Compound]] = {}
        for compound in Compound.objects.filter(community__street=self.street).order_by("pk"):
            compounds.setdefault(compound.community_id, []).append(compound)
        titles = list(self.items)
        rows: list[Event] = []
        for week in range(PAST_WEEKS, 0, -1):
            for _name, community in sorted(self.communities.items()):
                for _ in range(self._past_count(community)):
                    item = self.items[self.rng.choice(titles)]
                    day = -7 * week + self.rng.randrange(7)
                    starts = self._at(day, self.rng.choice((9, 14, 19)))
                    rows.append(
                        self._past_event(item, community, compounds.get(community.pk, []), starts)
                    )
        Event.objects.bulk_create(rows)
        self.bump("activities.event", len(rows))
        self._past_attendance(rows)

    def _past_event(self, item, community: Community, compounds, starts) -> Event:
        return Event(
            item=item,
            title=item.title,
            description=item.description,
            community=community,
            compound=self.rng.choice(compounds + [None]),
            place_text=f"{community.name}党群服务中心",
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=item.duration_minutes),
            capacity=item.group_size,
            state=Event.State.DONE,
            created_by=self.worker if community.pk == self.sanjiang.pk else self.admin,
            published_at=starts - dt.timedelta(days=7),
        )

    def _past_attendance(self, rows: list[Event]) -> None:
        signups_rows: list[SignUp] = []
        for event in rows:
            people, weights = self.crowds.get(event.community_id, ([], []))
            if not people or not any(weights):
                continue
            wanted = min(event.capacity, self.rng.randint(event.capacity // 3, event.capacity))
            chosen: set[int] = set()
            for _ in range(wanted * 3):
                if len(chosen) >= wanted:
                    break
                (person,) = self.rng.choices(range(len(people)), weights=weights)
                chosen.add(person)
            for index in sorted(chosen):
                came = self.rng.random() < 0.85
                signups_rows.append(
                    SignUp(
                        event=event,
                        person=people[index],
                        state=SignUp.State.ATTENDED if came else SignUp.State.NO_SHOW,
                    )
                )
            # Now and then a neighbour's visitor joins at the door (a guest by name).
            if len(chosen) < event.capacity and self.rng.random() < GUEST_SHARE:
                signups_rows.append(
                    SignUp(
                        event=event,
                        guest_name=self.rng.choice(GUESTS),
                        walk_in=True,
                        state=SignUp.State.ATTENDED,
                        checked_in_at=event.starts_at + dt.timedelta(minutes=5),
                    )
                )
        SignUp.objects.bulk_create(signups_rows)
        self.bump("activities.signup", len(signups_rows))
        given = [
            Feedback(
                signup=signup,
                rating=self.rng.choices(RATINGS, weights=RATING_WEIGHTS)[0],
            )
            for signup in signups_rows
            if signup.state == SignUp.State.ATTENDED
            and signup.person is not None
            and self.rng.random() < FEEDBACK_SHARE
        ]
        Feedback.objects.bulk_create(given)
        self.bump("activities.feedback", len(given))

    def make_upcoming(self) -> None:
        spaces = {s.name: s for s in Space.objects.filter(community__street=self.street)}
        self.upcoming: dict[str, Event] = {}
        for title, days, hour, capacity, companions, where in UPCOMING:
            item = self.items[title]
            starts = self._at(days, hour)
            outside = events.EventData(
                community=self.sanjiang,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=item.duration_minutes),
                capacity=capacity,
                max_companions=companions,
                place_text=where,
            )
            space = spaces.get(where)
            event = self._in_space(title, item, outside, space) if space is not None else None
            if event is None:
                event = events.event_create(
                    actor=self.worker,
                    item=item,
                    data=outside,
                )
                event = events.event_publish(actor=self.worker, event=event)
            self.upcoming[title] = event
            self.bump("activities.event")

    def _in_space(
        self, title: str, item: CatalogueItem, outside: events.EventData, space: Space
    ) -> Event | None:
        """Book the space for the event, the same hour on one of the next few days if the
        first is taken (the spaces' own demo bookings fill the calendar)."""
        for shift in range(7):
            delta = dt.timedelta(days=shift)
            data = dataclasses.replace(
                outside,
                space=space,
                place_text="",
                starts_at=outside.starts_at + delta,
                ends_at=outside.ends_at + delta,
            )
            try:
                with transaction.atomic():
                    event = events.event_create(actor=self.worker, item=item, data=data)
                    return events.event_publish(actor=self.worker, event=event)
            except ActivityError as exc:
                self.ctx.log(f"{title}: {space.name} not booked ({'; '.join(exc.messages)})")
        return None

    def make_signups(self) -> None:
        liu_plans = {"象棋联赛": 0, "院落坝坝宴": 1}  # 刘大爷 comes to the 坝坝宴 with his grandson
        for title, companions in liu_plans.items():
            event = self.upcoming[title]
            signups.signup_create(actor=self.liu, event=event, companions=companions)
            self.bump("activities.signup")
        # The worker signs up the two eldest residents of 三江 with no phone for the 坝坝宴.
        no_phone = (
            Resident.objects.living()
            .filter(community=self.sanjiang, user__isnull=True)
            .order_by("birth_date", "pk")[:2]
        )
        for resident in no_phone:
            signups.signup_for_resident(
                actor=self.worker, event=self.upcoming["院落坝坝宴"], resident=resident
            )
            self.bump("activities.signup")
        for event in self.upcoming.values():
            # Full with a waiting list where places are few; about half full elsewhere.
            wanted = event.capacity + 3 if event.capacity <= 8 else event.capacity // 2
            people = self.rng.sample(self.people, min(wanted, len(self.people)))
            for person in people:
                companions = (
                    self.rng.randint(0, event.max_companions) if event.max_companions else 0
                )
                try:
                    signups.signup_create(actor=person, event=event, companions=companions)
                except ActivityError:
                    continue  # not eligible (age) or full without a waiting list
                self.bump("activities.signup")

    def make_tagged(self) -> None:
        """Coming events only for residents carrying some register tags (独居, 空巢, 高龄)."""
        tags = {
            t.code: t
            for t in Tag.objects.filter(
                code__in=[c for _t, cs, _d, _h in TAGGED for c in cs.split()]
            )
        }
        for title, codes, days, hour in TAGGED:
            item = self.items[title]
            starts = self._at(days, hour)
            data = events.EventData(
                community=self.sanjiang,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=item.duration_minutes),
                capacity=item.group_size,
                place_text="三江社区社工站",
                required_tags=[tags[c] for c in codes.split() if c in tags],
            )
            event = events.event_create(actor=self.worker, item=item, data=data)
            self.upcoming[f"{title} ({codes})"] = events.event_publish(
                actor=self.worker, event=event
            )
            self.bump("activities.event")

    def make_series(self) -> None:
        """The chess league: every Saturday afternoon for eight weeks, one series."""
        item = self.items["象棋联赛"]
        first = self._at((5 - self.ctx.today.weekday()) % 7 + 7, 14)
        data = events.EventData(
            community=self.sanjiang,
            starts_at=first,
            ends_at=first + dt.timedelta(minutes=item.duration_minutes),
            capacity=16,
            place_text="三江社区党群服务中心棋牌室",
            title="象棋联赛（每周六）",
        )
        made = series.series_create(
            actor=self.worker, item=item, data=data, rrule="FREQ=WEEKLY;COUNT=8", publish=True
        )
        self.bump("activities.event", len(made))
        for person in self.rng.sample(self.people, min(10, len(self.people))):
            signups.signup_create(actor=person, event=made[0])
            self.bump("activities.signup")

    def make_proposals(self) -> None:
        """Residents' ideas waiting on the community worker's to-do list."""
        for person, (title, cat, text) in zip(
            [self.liu, *self.people[:1]], PROPOSALS, strict=False
        ):
            proposals.proposal_create(
                actor=person,
                data=proposals.ProposalData(
                    title=title, category=cat, stage=S.ACQUAINTANCE_FRIEND, description=text
                ),
            )
            self.bump("activities.proposal")

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.load_cast()
            self.load_participants()
            self.make_catalogue()
            self.make_past()
            self.make_upcoming()
            self.make_tagged()
            self.make_signups()
            self.make_series()
            self.make_proposals()
        return self.counts


def seed(ctx: DemoContext) -> None:
    """The demo street's catalogue, events and sign-ups, unless it has a catalogue already."""
    if CatalogueItem.objects.filter(street=cast(Street, ctx.street)).exists():
        return
    ctx.counts.update(ActivitiesSeeder(ctx).run())
