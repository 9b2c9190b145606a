"""The demo street's neighbour services (邻服务): helpers and a 小老助大老 team in 沱源, a
courtyard alliance of three compounds, a year of requests and services with their
time-bank entries, pairings with neighbours living alone (some visits overdue), and a few
open requests on 三江's matching board.

`seed(ctx)` does nothing when the street has helpers already, so it is safe to run twice.
The year's history (which no service may create: it is in the past) is bulk-loaded; every
hour credited goes through the time bank's own posting (`services.ledger.service_credit`),
so the books of the demo balance exactly as live ones do.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import cast

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from silin.accounts.models import User
from silin.core.roles import Role
from silin.core.seeding import DemoContext
from silin.lib.dates import years_ago
from silin.mutualaid.models import (
    Alliance,
    HelperProfile,
    HelpRequest,
    Pairing,
    ServiceRecord,
    Skill,
    Team,
    Visit,
)
from silin.mutualaid.services import ledger
from silin.people.models import Resident
from silin.places.models import Community, Compound, Street

SANJIANG = "三江社区"
TUOYUAN = "沱源"
HELPERS_PER_COMMUNITY = 30
YOUNG_OLD_TEAM = 10  # 沱源's 60-70-year-old helpers
ELDERS_SERVED = 60  # 80+ residents of 三江 who asked for help in the year
REQUESTS_PER_ELDER = (2, 14)
PAIRINGS = 24
OPEN_NOW = 8  # open requests on the board today
S = HelpRequest.State
KIND_WEIGHTS = {
    Skill.SHOPPING: 30,
    Skill.VISIT: 18,
    Skill.COMPANIONSHIP: 12,
    Skill.REPAIRS: 10,
    Skill.ESCORT: 10,
    Skill.MEALS: 8,
    Skill.TRANSPORT: 5,
    Skill.PAPERWORK: 5,
    Skill.OTHER: 2,
}
MORNING, AFTERNOON = (8 * 60, 12 * 60), (14 * 60, 18 * 60)


class MutualAidSeeder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = random.Random(ctx.seed + 12)
        self.street = cast(Street, ctx.street)
        self.now = ctx.now
        self.today = ctx.today
        self.counts: dict[str, int] = {}
        self.worker = User.objects.get(mobile=ctx.logins[Role.COMMUNITY_WORKER].mobile)

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            sanjiang = Community.objects.get(street=self.street, name=SANJIANG)
            helpers = self.helpers(sanjiang)
            self.team_and_alliance(sanjiang, helpers)
            for community in Community.objects.filter(street=self.street).exclude(pk=sanjiang.pk):
                self.helpers(community, count=HELPERS_PER_COMMUNITY // 3)
            self.history(sanjiang, helpers)
            self.pairings(sanjiang, helpers)
            self.open_now(sanjiang)
        return self.counts

    def _count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    def _availability(self) -> list[list[int]]:
        if self.rng.random() < 0.3:
            return []  # any time
        days = self.rng.sample(range(7), self.rng.randint(2, 5))
        return sorted([d, *self.rng.choice((MORNING, AFTERNOON))] for d in days)

    def _skills(self) -> list[str]:
        kinds = list(KIND_WEIGHTS)
        chosen = set(self.rng.choices(kinds, weights=list(KIND_WEIGHTS.values()), k=3))
        return sorted(chosen | {Skill.VISIT})

    def helpers(
        self, community: Community, count: int = HELPERS_PER_COMMUNITY
    ) -> list[HelperProfile]:
        """The community's helpers: 唐丽 (the volunteer login) first in 三江, then residents
        of working age and young-old, verified but for a few."""
        made: list[HelperProfile] = []
        if community.name == SANJIANG:
            tang_user = User.objects.select_related("resident").get(
                mobile=self.ctx.logins[Role.VOLUNTEER].mobile
            )
            made.append(
                HelperProfile(
                    resident=tang_user.resident,
                    community=community,
                    user=tang_user,
                    skills=[Skill.SHOPPING, Skill.VISIT, Skill.REPAIRS, Skill.COMPANIONSHIP],
                    availability=[],
                    monthly_cap=12,
                    verified_at=self.now - dt.timedelta(days=300),
                    verified_by=self.worker,
                    safety_trained_on=self.today - dt.timedelta(days=305),
                )
            )
        taken = {h.resident_id for h in made}
        pool = list(
            Resident.objects.filter(
                community=community,
                status=Resident.Status.LIVING,
                birth_date__lte=years_ago(self.today, 25),
                birth_date__gt=years_ago(self.today, 71),
            )
            .exclude(pk__in=taken)
            .order_by("id")
            .values_list("pk", "birth_date")[:4000]
        )
        users = dict(
            User.objects.filter(resident_id__in=[pk for pk, _b in pool]).values_list(
                "resident_id", "pk"
            )
        )
        for pk, _birth in self.rng.sample(pool, min(count, len(pool))):
            verified = self.rng.random() < 0.9
            made.append(
                HelperProfile(
                    resident_id=pk,
                    community=community,
                    user_id=users.get(pk),
                    skills=self._skills(),
                    availability=self._availability(),
                    monthly_cap=self.rng.choice((4, 6, 8, 10)),
                    verified_at=self.now - dt.timedelta(days=self.rng.randint(30, 330))
                    if verified
                    else None,
                    verified_by=self.worker if verified else None,
                    safety_trained_on=self.today - dt.timedelta(days=self.rng.randint(31, 340))
                    if verified
                    else None,
                    health_declared_on=self.today - dt.timedelta(days=self.rng.randint(1, 200)),
                )
            )
        HelperProfile.objects.bulk_create(made)
        self._count("mutualaid.helperprofile", len(made))
        return made

    def team_and_alliance(self, sanjiang: Community, helpers: list[HelperProfile]) -> None:
        tuoyuan = Compound.objects.get(community=sanjiang, name=TUOYUAN)
        others = Compound.objects.filter(community=sanjiang).exclude(pk=tuoyuan.pk).order_by("id")
        compounds = [tuoyuan, *others[:2]]
        name = "·".join(c.name for c in compounds) + "院落互助联盟"
        alliance = Alliance.objects.create(community=sanjiang, name=name)
        alliance.compounds.set(compounds)
        alliance.coordinators.set([self.worker])
        Team.objects.create(
            community=sanjiang,
            name="院落互助联盟志愿队",
            kind=Team.Kind.ALLIANCE,
            alliance=alliance,
        ).members.set([h for h in helpers if h.verified_at][:12])
        young_old = Team.objects.create(
            community=sanjiang,
            name="沱源小老助大老服务队",
            kind=Team.Kind.YOUNG_OLD,
            helper_min_age=60,
            helper_max_age=70,
            serves_from_age=80,
        )
        # 60-70-year-olds of 沱源 who declared their health, verified by the worker.
        elders = list(
            Resident.objects.filter(
                household__compound=tuoyuan,
                status=Resident.Status.LIVING,
                birth_date__lte=years_ago(self.today, 60),
                birth_date__gt=years_ago(self.today, 71),
            )
            .exclude(helper_profile__isnull=False)
            .order_by("id")[:YOUNG_OLD_TEAM]
        )
        team = [
            HelperProfile(
                resident=r,
                community=sanjiang,
                skills=sorted({Skill.VISIT, Skill.COMPANIONSHIP, Skill.SHOPPING, Skill.MEALS}),
                availability=self._availability(),
                monthly_cap=8,
                verified_at=self.now - dt.timedelta(days=200),
                verified_by=self.worker,
                safety_trained_on=self.today - dt.timedelta(days=210),
                health_declared_on=self.today - dt.timedelta(days=30),
            )
            for r in elders
        ]
        HelperProfile.objects.bulk_create(team)
        helpers.extend(team)
        young_old.members.set(team)
        self._count("mutualaid.helperprofile", len(team))
        self._count("mutualaid.team", 2)
        self._count("mutualaid.alliance", 1)

    def _daytime(self, day: dt.date) -> dt.datetime:
        """A request's start on `day`, between 8:00 and 16:00 local time."""
        local = dt.datetime.combine(day, dt.time(self.rng.randint(8, 16)))
        return timezone.make_aware(local)

    def _elders(self, community: Community, limit: int) -> list[Resident]:
        return list(
            Resident.objects.filter(
                community=community,
                status=Resident.Status.LIVING,
                birth_date__lte=years_ago(self.today, 80),
            )
            .select_related("household")
            .order_by("id")[:limit]
        )

    def history(self, sanjiang: Community, helpers: list[HelperProfile]) -> None:
        """A year of requests of 三江's 80+ residents, most done and confirmed."""
        verified = [h for h in helpers if h.verified_at]
        elders = self._elders(sanjiang, ELDERS_SERVED)
        kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        rows: list[HelpRequest] = []
        liu = User.objects.get(mobile=self.ctx.logins[Role.RESIDENT].mobile).resident_id
        for elder in elders:
            # Most elders have a helper who comes back; 刘大爷's is 唐丽, from his unit.
            regular = verified[0] if elder.pk == liu else self.rng.choice(verified)
            for _ in range(self.rng.randint(*REQUESTS_PER_ELDER)):
                start = self._daytime(self.today - dt.timedelta(days=self.rng.randint(3, 360)))
                state = self.rng.choices((S.DONE, S.CANCELLED, S.EXPIRED), weights=(88, 7, 5))[0]
                helper = regular if self.rng.random() < 0.7 else self.rng.choice(verified)
                rows.append(
                    HelpRequest(
                        requester=elder,
                        household_id=elder.household_id,
                        community=sanjiang,
                        raised_as=self.rng.choice(("self", "self", "family", "grid", "worker")),
                        kind=self.rng.choices(kinds, weights=weights)[0],
                        window_start=start,
                        window_end=start + dt.timedelta(hours=4),
                        agreed_minutes=self.rng.choice((30, 60, 60, 90, 120)),
                        state=state,
                        helper=helper if state == S.DONE else None,
                        state_changed_at=start + dt.timedelta(hours=3),
                        created_at=start - dt.timedelta(days=1),
                    )
                )
        HelpRequest.objects.bulk_create(rows)
        self._count("mutualaid.helprequest", len(rows))
        records = []
        for r in rows:
            if r.state != S.DONE:
                continue
            assert r.helper is not None
            minutes = r.agreed_minutes + self.rng.choice((-10, 0, 0, 10, 20))
            check_in = r.window_start + dt.timedelta(minutes=self.rng.randint(0, 90))
            records.append(
                ServiceRecord(
                    request=r,
                    helper=r.helper,
                    recipient_id=r.requester_id,
                    community=sanjiang,
                    agreed_minutes=r.agreed_minutes,
                    checked_in_at=check_in,
                    checked_out_at=check_in + dt.timedelta(minutes=minutes),
                    checked_in_by_id=r.helper.user_id,
                    claimed_minutes=minutes,
                    state=ServiceRecord.State.COMMITTED,
                    decided_at=check_in + dt.timedelta(hours=self.rng.randint(2, 72)),
                    auto_accepted=self.rng.random() < 0.15,
                )
            )
        ServiceRecord.objects.bulk_create(records)
        self._count("mutualaid.servicerecord", len(records))
        for record in sorted(records, key=lambda rec: rec.decided_at or self.now):
            transfers = ledger.service_credit(record=record, actor=None, now=record.decided_at)
            self._count("mutualaid.transfer", len(transfers))

    def pairings(self, sanjiang: Community, helpers: list[HelperProfile]) -> None:
        """Pairings with neighbours living alone; a few of the visits are overdue."""
        verified = [h for h in helpers if h.verified_at]
        alone = list(
            Resident.objects.filter(
                community=sanjiang, status=Resident.Status.LIVING, tags__code="living_alone"
            )
            .filter(Q(birth_date__lte=years_ago(self.today, 70)))
            .order_by("id")[:PAIRINGS]
        )
        pairs, visits = [], []
        for n, resident in enumerate(alone):
            helper = self.rng.choice(verified)
            every = self.rng.choice((3, 7, 7, 14))
            started = self.today - dt.timedelta(days=self.rng.randint(60, 300))
            # One in four is overdue: their last visit is older than their frequency.
            gap = every + self.rng.randint(2, 12) if n % 4 == 0 else self.rng.randint(0, every - 1)
            last = self.now - dt.timedelta(days=gap, hours=self.rng.randint(0, 5))
            kind = self.rng.choice([k for k, _l in Pairing.Kind.choices])
            pair = Pairing(
                community=sanjiang,
                kind=kind,
                helper=helper,
                resident=resident,
                every_days=every,
                started_on=started,
                last_visit_at=last,
                created_by=self.worker,
            )
            pairs.append(pair)
            moment = last
            while moment.date() > started:
                visits.append((pair, moment))
                moment -= dt.timedelta(days=every + self.rng.randint(-1, 2))
        Pairing.objects.bulk_create(pairs)
        Visit.objects.bulk_create(
            [
                Visit(
                    pairing=pair,
                    visited_at=moment,
                    logged_by_id=pair.helper.user_id or self.worker.pk,
                    by_worker=not pair.helper.user_id,
                    all_well=self.rng.random() > 0.04,
                )
                for pair, moment in visits
            ]
        )
        self._count("mutualaid.pairing", len(pairs))
        self._count("mutualaid.visit", len(visits))

    def open_now(self, sanjiang: Community) -> None:
        """A few open requests of other elders today, for the coordinator's batch (刘大爷
        asks himself in the demo's story)."""
        liu = User.objects.get(mobile=self.ctx.logins[Role.RESIDENT].mobile)
        elders = [
            e for e in self._elders(sanjiang, ELDERS_SERVED + OPEN_NOW) if e.pk != liu.resident_id
        ]
        rows = []
        for elder in elders[-OPEN_NOW:]:
            start = self._daytime(self.today + dt.timedelta(days=self.rng.randint(1, 3)))
            rows.append(
                HelpRequest(
                    requester=elder,
                    household_id=elder.household_id,
                    community=sanjiang,
                    raised_as="grid",
                    kind=self.rng.choice((Skill.SHOPPING, Skill.VISIT, Skill.REPAIRS)),
                    window_start=start,
                    window_end=start + dt.timedelta(hours=4),
                    agreed_minutes=60,
                    state=S.OPEN,
                    state_changed_at=self.now,
                )
            )
        HelpRequest.objects.bulk_create(rows)
        self._count("mutualaid.helprequest", len(rows))


def seed(ctx: DemoContext) -> None:
    """The demo street's neighbour services, unless it has helpers already."""
    if HelperProfile.objects.filter(community__street=cast(Street, ctx.street)).exists():
        return
    ctx.counts.update(MutualAidSeeder(ctx).run())
