"""The demo street's shared spaces (邻空间): centres, courtyard spaces, deliberation venues,
where they came from, and a month of bookings on either side of today.

`seed(ctx)` runs after the street itself (the demo app's `seed_demo` calls it, see
silin/core/seeding.py) and does nothing when the street already has spaces, so it is safe
to run twice. The same seed gives the same spaces, hours, renewals and bookings relative to
the day it runs.

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone

from silin.accounts.models import RoleAssignment, User
from silin.core.acting import Power
from silin.core.request_context import reset_acting, set_acting
from silin.core.roles import Role
from silin.core.seeding import DemoContext
from silin.organizations.models import Organization
from silin.people.models import Resident
from silin.people.proxy_models import ActingUser, ProxyLink
from silin.places.models import Community, Compound, Street
from silin.spaces.demo_plans import (
    CENTRE,
    HOURS,
    PER_DAY,
    PURPOSES,
    RENEWALS,
    SANJIANG,
    Plan,
    all_plans,
)
from silin.spaces.models import Booking, OpeningException, Space
from silin.spaces.services import blocks as block_services
from silin.spaces.services import bookings as booking_services
from silin.spaces.services import hours as hour_services
from silin.spaces.services import renewals as renewal_services
from silin.spaces.services import series as series_services
from silin.spaces.services import spaces as space_services
from silin.spaces.services.common import SpaceError
from silin.spaces.services.renewals import RenewalData

DAYS_BACK = 28  # 刘大爷's own weekdays, planned in detail
DAYS_AHEAD = 28
# The other bookings go back a year, so the use figures (months, the year) show a real one.
HISTORY_DAYS = 365
K = Space.Kind
S = Booking.Status
T = dt.time


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
    def __init__(self, ctx: DemoContext) -> None:
        # The context is typed in core, below places: its street is a Street all the same.
        self.street = street = cast(Street, ctx.street)
        # A generator of its own, drawn from the seed and not from the street's (ctx.rng):
        # the spaces come out the same whether seeded with the street or onto one already
        # there.
        self.rng = random.Random(ctx.seed * 7 + 4)
        self.log = ctx.log
        self.logins = ctx.logins
        self.today = ctx.today
        self.now = ctx.now
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
        centres: dict[str | None, Space] = {}
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

    def family_booking(self) -> None:
        """刘大爷's daughter, acting for him from another city (亲情账号), books the chess
        room for Saturday afternoon through the services, so the audit log names both and
        his "My data" page shows what his family did for him."""
        links = ProxyLink.objects.in_force().filter(principal=self.cast.liu)
        link = next((k for k in links if Power.BOOK_SPACES in k.powers), None)
        if link is None:
            return
        space = self.spaces["棋艺室"]
        saturday = self.today + dt.timedelta(days=(5 - self.today.weekday()) % 7 or 7)
        acting_user = ActingUser.for_link(link, link.proxy)
        token = set_acting(acting_user.acting)
        try:
            for hour in (15, 16, 14, 17):
                starts_at = _aware(saturday, T(hour))
                ends_at = starts_at + dt.timedelta(hours=2)
                if not self.sheet(space, saturday).fits(starts_at, ends_at):
                    continue
                try:
                    booking_services.booking_create(
                        actor=acting_user, space=space, starts_at=starts_at, ends_at=ends_at,
                        purpose="和老朋友下棋", attendees=2,
                    )  # fmt: skip
                except SpaceError:
                    continue
                self.sheet(space, saturday).take(starts_at, ends_at)
                self.counts["spaces.booking (by his daughter)"] = 1
                return
        finally:
            reset_acting(token)

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
            for day in self._days(-HISTORY_DAYS, DAYS_AHEAD):
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
        by_role = {role: login.mobile for role, login in self.logins.items()}
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
            u.pk: u.resident.household_id for u in users.values() if u.resident is not None
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
            if user.resident is not None:
                self.households[user.pk] = user.resident.household_id

    def load_calendar(self) -> None:
        rows = OpeningException.objects.filter(space__community__street=self.street)
        self.closed_days = {(e.space_id, e.date) for e in rows if e.closed}
        self.special_days = {
            (e.space_id, e.date): (e.opens, e.closes)
            for e in rows
            if not e.closed and e.opens is not None and e.closes is not None
        }

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.load_cast()
            self.make_spaces()
            self.make_exceptions()
            self.load_calendar()
            self.make_renewals()
            self.make_bookings()
            self.family_booking()
        return self.counts


def seed(ctx: DemoContext) -> None:
    """The demo street's spaces, renewals and bookings, unless it has spaces already."""
    if Space.objects.filter(community__street=cast(Street, ctx.street)).exists():
        return
    ctx.counts.update(SpacesSeeder(ctx).run())
