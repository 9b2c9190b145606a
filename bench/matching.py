"""Neighbour services (issue 12, item 12): the optimal assignment for a whole street, the
coordinator's matching board and the overdue list, with a year of records.

On the seeded street (bench/_setup.py; its demo already has 三江's helpers, team,
alliance, a year of the demo's requests and 24 pairings), the bench bulk-loads once:

- BENCH_MA_HELPERS (3,000) verified helpers aged 25-70, residents of the street's
  households drawn at random (so spread as the working-age residents are), with skills,
  weekly availability and monthly caps as the demo draws them; a team per community (the
  mark: "压测志愿队") and one courtyard alliance of three compounds per community;
- BENCH_MA_OPEN (5,000) open help requests (notes "压测"), 85 % from residents aged 75+,
  the rest 60-74, in the coming two weeks, in mornings, afternoons or any time; a later
  run tops them up when some windows have passed;
- for the community with the most open requests (三江社区), a year of records (notes
  "压测历史"): BENCH_MA_HISTORY (20,000) requests of its 75+ residents, 88 % done with a
  committed service record and its time-bank credit (a transfer from the community's
  issuing account to the helper's, two movements; bulk-inserted, the balances set to
  their movements' sums, so the books balance and the bench checks they do), the rest
  cancelled or expired, and the proposals the done ones were matched by; today's board:
  proposed and confirmed pairs, requests under way and services waiting for
  confirmation; pairings of ~80 % of its residents living alone (tag 独居) with a year of
  visits, one in four overdue.

Then it measures, on PostgreSQL:

(a) the optimal assignment for the whole street as `services.matching.matching_run` reads
    and solves it: `read_pool` (the DB read, its open requests locked, in a transaction
    rolled back), `matching.find_candidates` and the solve (`matching.assign` times both),
    BENCH_MA_REPEATS (5) times: min and median. Target: candidates + solve <= 0.5 s.
    Matched count and total distance (matched cost) against `matching.greedy`'s.
(b) the coordinator's board `/mutualaid/board/<uuid>/` and (c) the overdue list
    `/mutualaid/pairings/overdue/?community=<uuid>` of that community as its community
    worker (李晓梅), through Django's test client, BENCH_MA_PAGES (100) requests each after
    a warm-up: p50/p95, CPU, queries and HTML of one request. Target p95 <= 50 ms. Each
    page shows the first page (25 rows) of each of its lists, with every list's total.
(d) the neighbours living alone with no pairing `/mutualaid/pairings/unpaired/` the same
    way, printed with no target (the issue sets none: the page is Silin's own).

The load average is printed before each measure. Returns True (run.py exits non-zero) when
a target is missed or a check fails. On SQLite (`BENCH_DB=sqlite`) it runs on the same
data, but the figures to compare are PostgreSQL's.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

TARGETS = {"assign_s": 0.5, "page_p95_ms": 50.0}
HELPER_TEAM = "压测志愿队"
ALLIANCE_PREFIX = "压测"
OPEN_NOTE = "压测"
HISTORY_NOTE = "压测历史"
# Today's board of the history's community.
BOARD_NOW = {"proposed": 120, "confirmed": 40, "accepted": 80, "in_progress": 30, "pending": 60}
PAIRED_SHARE = 0.8  # of the community's residents living alone
OPEN_DAYS = 14  # open requests' windows fall in the coming two weeks


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94]


def _local(day: dt.date, minute: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute))


# --- the data ----------------------------------------------------------------------------------


class Loader:
    """What the bench adds to the seeded street, each part once (its mark counted first)."""

    def __init__(self, rng: random.Random) -> None:
        from django.utils import timezone

        from silin.accounts.models import User
        from silin.core.roles import Role
        from silin.demo.cast import LOGINS_BY_ROLE
        from silin.demo.seeding import demo_context
        from silin.mutualaid import demo

        self.rng = rng
        self.demo = demo.MutualAidSeeder(demo_context(seed=rng.randrange(1 << 30)))
        self.demo.rng = rng  # the demo's own draws of skills and availability, seeded here
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.worker = User.objects.get(mobile=LOGINS_BY_ROLE[Role.COMMUNITY_WORKER].mobile)
        self.street = self.demo.street

    # helpers, teams and alliances

    def helpers(self, count: int) -> int:
        from django.db import transaction

        from silin.lib.dates import years_ago
        from silin.mutualaid.models import HelperProfile, Team
        from silin.people.models import Resident
        from silin.places.models import Community

        through = Team.members.through
        have = through.objects.filter(team__name=HELPER_TEAM).count()
        if have >= count:
            return 0
        rng = self.rng
        pool = list(
            Resident.objects.filter(
                community__street=self.street,
                status=Resident.Status.LIVING,
                birth_date__lte=years_ago(self.today, 25),
                birth_date__gt=years_ago(self.today, 71),
                helper_profile__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", "community_id")
        )
        chosen = rng.sample(pool, count - have)
        rows = [
            HelperProfile(
                resident_id=pk,
                community_id=community_id,
                skills=self.demo._skills(),  # noqa: SLF001 - the demo's own draws
                availability=self.demo._availability(),  # noqa: SLF001
                monthly_cap=rng.choice((4, 6, 8, 10)),
                verified_at=self.now - dt.timedelta(days=rng.randint(30, 330)),
                verified_by=self.worker,
                safety_trained_on=self.today - dt.timedelta(days=rng.randint(31, 340)),
                health_declared_on=self.today - dt.timedelta(days=rng.randint(1, 200)),
            )
            for pk, community_id in chosen
        ]
        with transaction.atomic():
            HelperProfile.objects.bulk_create(rows, batch_size=2000)
            by_community = collections.defaultdict(list)
            for helper in rows:
                by_community[helper.community_id].append(helper.pk)
            for community in Community.objects.filter(street=self.street).order_by("pk"):
                team, _new = Team.objects.get_or_create(
                    community=community, name=HELPER_TEAM, defaults={"kind": Team.Kind.OTHER}
                )
                members = by_community[community.pk]
                through.objects.bulk_create(
                    [through(team_id=team.pk, helperprofile_id=h) for h in members],
                    batch_size=5000,
                )
            self._alliances()
        return len(rows)

    def _alliances(self) -> None:
        """One courtyard alliance of three compounds per community (compounds in no other)."""
        from silin.mutualaid.models import Alliance
        from silin.places.models import Community, Compound

        taken = set(Alliance.compounds.through.objects.values_list("compound_id", flat=True))
        for community in Community.objects.filter(street=self.street).order_by("pk"):
            if Alliance.objects.filter(community=community, name__startswith=ALLIANCE_PREFIX):
                continue
            compounds = [
                c
                for c in Compound.objects.filter(community=community).order_by("pk")
                if c.pk not in taken
            ]
            if len(compounds) < 3:
                continue
            chosen = self.rng.sample(compounds, 3)
            alliance = Alliance.objects.create(
                community=community,
                name=ALLIANCE_PREFIX + "·".join(c.name for c in chosen) + "院落互助联盟",
            )
            alliance.compounds.set(chosen)
            alliance.coordinators.set([self.worker])

    # open requests

    def _window(self) -> tuple[dt.datetime, dt.datetime]:
        rng = self.rng
        day = self.today + dt.timedelta(days=rng.randint(1, OPEN_DAYS))
        shape = rng.random()
        if shape < 0.45:  # a morning, or part of one
            start, end = rng.choice(((8, 12), (9, 11), (8, 10), (10, 12)))
        elif shape < 0.8:  # an afternoon
            start, end = rng.choice(((14, 18), (14, 16), (15, 17), (16, 18)))
        else:  # any time over two days
            return _local(day, 8 * 60), _local(day + dt.timedelta(days=2), 20 * 60)
        return _local(day, start * 60), _local(day, end * 60)

    def _request(self, requester: tuple[int, int, int], kind: str, **fields):
        from silin.mutualaid.models import HelpRequest

        pk, household_id, community_id = requester
        return HelpRequest(
            requester_id=pk,
            household_id=household_id,
            community_id=community_id,
            kind=kind,
            raised_as=self.rng.choice(("self", "self", "family", "grid", "worker")),
            agreed_minutes=self.rng.choice((30, 60, 60, 90, 120)),
            **fields,
        )

    def _kind(self) -> str:
        from silin.mutualaid.demo import KIND_WEIGHTS

        return self.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]

    def _residents(self, older: int, younger: int | None = None, **where) -> list[tuple]:
        from silin.lib.dates import years_ago
        from silin.people.models import Resident

        query = Resident.objects.filter(
            status=Resident.Status.LIVING, birth_date__lte=years_ago(self.today, older), **where
        )
        if younger is not None:
            query = query.filter(birth_date__gt=years_ago(self.today, younger))
        return list(query.order_by("pk").values_list("pk", "household_id", "community_id"))

    def open_requests(self, count: int) -> int:
        from silin.mutualaid.models import HelpRequest

        S = HelpRequest.State
        live = HelpRequest.objects.filter(notes=OPEN_NOTE, state=S.OPEN, window_end__gt=self.now)
        missing = count - live.count()
        if missing <= 0:
            return 0
        busy = set(live.values_list("requester_id", flat=True))
        street = {"community__street": self.street}
        old = [r for r in self._residents(75, **street) if r[0] not in busy]
        young_old = [r for r in self._residents(60, 75, **street) if r[0] not in busy]
        n_old = min(len(old), round(missing * 0.85))
        requesters = self.rng.sample(old, n_old) + self.rng.sample(young_old, missing - n_old)
        rows = []
        for requester in requesters:
            start, end = self._window()
            urgency = self.rng.choices(("normal", "soon", "urgent"), weights=(80, 15, 5))[0]
            rows.append(
                self._request(
                    requester,
                    self._kind(),
                    urgency=urgency,
                    window_start=start,
                    window_end=end,
                    notes=OPEN_NOTE,
                    state=S.OPEN,
                    state_changed_at=self.now,
                )
            )
        HelpRequest.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    # a year of records of one community

    def history(self, community, count: int) -> dict[str, int]:
        from django.db import transaction

        from silin.mutualaid.models import HelperProfile, HelpRequest

        if HelpRequest.objects.filter(community=community, notes=HISTORY_NOTE).exists():
            return {}
        helpers = list(
            HelperProfile.objects.available()
            .filter(community=community, teams__name=HELPER_TEAM)
            .order_by("pk")
            .only("pk", "skills", "resident_id", "user_id")
        )
        elders = self._residents(75, community=community)
        with transaction.atomic():
            made = self._year(community, helpers, elders, count)
            made |= self._board_today(community, helpers, elders)
            made |= self._pairings(community, helpers)
        return made

    def year_proposals(self, community) -> int:
        """The proposals the year's done requests were matched by (accepted), and one in
        ten declined by another helper first."""
        from silin.mutualaid.models import HelperProfile, HelpRequest, Proposal

        done = HelpRequest.objects.filter(
            community=community, notes=HISTORY_NOTE, state=HelpRequest.State.DONE
        )
        if Proposal.objects.filter(request__in=done, state=Proposal.State.ACCEPTED).exists():
            return 0
        rng = self.rng
        helpers = list(
            HelperProfile.objects.filter(community=community, teams__name=HELPER_TEAM)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = []
        for request_id, helper_id, kind, start in done.values_list(
            "pk", "helper_id", "kind", "window_start"
        ).order_by("pk"):
            asked = start - dt.timedelta(hours=rng.randint(6, 48))
            if rng.random() < 0.1:
                other = rng.choice(helpers)
                rows.append(self._proposal(request_id, other, kind, asked, "declined"))
            rows.append(self._proposal(request_id, helper_id, kind, asked, "accepted"))
        Proposal.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

    def _proposal(self, request_id: int, helper_id: int, kind: str, at: dt.datetime, state: str):
        from silin.mutualaid.models import Proposal

        step = self.rng.choice(("same_unit", "same_building", "same_compound", "same_community"))
        return Proposal(
            request_id=request_id,
            helper_id=helper_id,
            cost=self.rng.choice((12, 25, 34, 44, 52, 80)),
            reasons=[step, f"skill:{kind}"],
            state=state,
            decided_at=at + dt.timedelta(hours=2),
            decided_by=self.worker,
            created_at=at,
        )

    def _year(self, community, helpers, elders, count: int) -> dict[str, int]:
        """A year of requests, most done, each done one with its committed service record
        and its credit in the time bank."""
        from silin.mutualaid.models import HelpRequest, ServiceRecord

        S = HelpRequest.State
        rng = self.rng
        served = rng.sample(elders, min(len(elders), 1500))
        regular = {e[0]: rng.choice(helpers) for e in served}
        rows = []
        for i in range(count):
            elder = served[i % len(served)]
            day = self.today - dt.timedelta(days=rng.randint(1, 365))
            start = _local(day, rng.choice((8, 9, 10, 14, 15)) * 60)
            state = rng.choices((S.DONE, S.CANCELLED, S.EXPIRED), weights=(88, 7, 5))[0]
            helper = regular[elder[0]] if rng.random() < 0.7 else rng.choice(helpers)
            rows.append(
                self._request(
                    elder,
                    self._kind(),
                    window_start=start,
                    window_end=start + dt.timedelta(hours=4),
                    notes=HISTORY_NOTE,
                    state=state,
                    helper=helper if state == S.DONE else None,
                    state_changed_at=start + dt.timedelta(hours=3),
                )
            )
        HelpRequest.objects.bulk_create(rows, batch_size=2000)
        records = []
        for r in rows:
            if r.state != S.DONE:
                continue
            minutes = r.agreed_minutes + rng.choice((-10, 0, 0, 10, 20))
            check_in = r.window_start + dt.timedelta(minutes=rng.randint(0, 90))
            records.append(
                ServiceRecord(
                    request=r,
                    helper=r.helper,
                    recipient_id=r.requester_id,
                    community=community,
                    agreed_minutes=r.agreed_minutes,
                    checked_in_at=check_in,
                    checked_out_at=check_in + dt.timedelta(minutes=minutes),
                    checked_in_by_id=r.helper.user_id,
                    claimed_minutes=minutes,
                    state=ServiceRecord.State.COMMITTED,
                    decided_at=check_in + dt.timedelta(hours=rng.randint(2, 72)),
                    auto_accepted=rng.random() < 0.15,
                )
            )
        ServiceRecord.objects.bulk_create(records, batch_size=2000)
        self._credits(community, records)
        return {"requests": len(rows), "services": len(records), "transfers": len(records)}

    def _credits(self, community, records) -> None:
        """The records' SERVICE transfers (issuer -> helper, two movements each), then each
        account's balance moved by the sum of its new movements (no one passes the cap)."""
        from django.db.models import F

        from silin.mutualaid.models import Account, Movement, Transfer
        from silin.mutualaid.models.ledger import STORAGE_CAP_MINUTES
        from silin.mutualaid.services import ledger

        K = Account.Kind
        issuer = ledger.community_account(community, K.ISSUER)
        residents = {r.helper.resident_id for r in records}
        accounts = dict(
            Account.objects.filter(resident_id__in=residents).values_list("resident_id", "pk")
        )
        new = [
            Account(kind=K.PERSON, community_id=community.pk, resident_id=pk)
            for pk in sorted(residents - set(accounts))
        ]
        Account.objects.bulk_create(new, batch_size=2000)
        accounts |= {a.resident_id: a.pk for a in new}
        records = sorted(records, key=lambda r: r.decided_at)
        transfers = [
            Transfer(
                kind=Transfer.Kind.SERVICE,
                community=community,
                service=r,
                reason="service",
                params={"record": str(r.uuid), "kind": r.request.kind},
                created_at=r.decided_at,
            )
            for r in records
        ]
        Transfer.objects.bulk_create(transfers, batch_size=2000)
        moves = []
        sums: dict[int, int] = collections.Counter()
        for record, transfer in zip(records, transfers, strict=True):
            minutes, account = record.claimed_minutes, accounts[record.helper.resident_id]
            moves += [
                Movement(transfer=transfer, account_id=issuer.pk, amount=-minutes,
                         created_at=transfer.created_at),
                Movement(transfer=transfer, account_id=account, amount=minutes,
                         created_at=transfer.created_at),
            ]  # fmt: skip
            sums[account] += minutes
            sums[issuer.pk] -= minutes
        Movement.objects.bulk_create(moves, batch_size=5000)
        for pk, amount in sums.items():
            Account.objects.filter(pk=pk).update(balance=F("balance") + amount)
        over = Account.objects.filter(kind=K.PERSON, balance__gt=STORAGE_CAP_MINUTES).count()
        assert over == 0, f"{over} accounts over the cap"

    def _board_today(self, community, helpers, elders) -> dict[str, int]:
        """Proposed and confirmed pairs of a matching run, requests under way, services
        waiting for the neighbour's confirmation."""
        from silin.mutualaid.models import HelpRequest, MatchingRun, Proposal, ServiceRecord

        S, rng, n = HelpRequest.State, self.rng, BOARD_NOW
        run = MatchingRun.objects.create(
            street_id=community.street_id,
            community=community,
            started_by=self.worker,
            needs=n["proposed"] + n["confirmed"],
            helpers=len(helpers),
            matched=n["proposed"] + n["confirmed"],
            total_cost=0,
            milliseconds=0,
            created_at=self.now - dt.timedelta(hours=2),
        )
        plan = (
            [S.PROPOSED] * (n["proposed"] + n["confirmed"])
            + [S.ACCEPTED] * n["accepted"]
            + [S.IN_PROGRESS] * n["in_progress"]
            + [S.DONE] * n["pending"]
        )
        rows, picks = [], []
        for state in plan:
            helper = rng.choice(helpers)
            if state == S.DONE:  # checked out in the last three days
                start = self.now - dt.timedelta(hours=rng.randint(5, 72))
            elif state == S.IN_PROGRESS:
                start = self.now - dt.timedelta(minutes=rng.randint(10, 120))
            else:
                start, _end = self._window()
            kind = rng.choice(helper.skills)
            rows.append(
                self._request(
                    rng.choice(elders),
                    kind,
                    window_start=start,
                    window_end=start + dt.timedelta(hours=4),
                    notes=HISTORY_NOTE,
                    state=state,
                    helper=helper if state != S.PROPOSED else None,
                    state_changed_at=self.now - dt.timedelta(hours=1),
                )
            )
            picks.append(helper)
        HelpRequest.objects.bulk_create(rows)
        proposals = [
            Proposal(
                run=run,
                request=r,
                helper=h,
                cost=rng.choice((12, 25, 34, 44, 52, 80)),
                reasons=[rng.choice(("same_unit", "same_building", "same_compound",
                                     "same_community")), f"skill:{r.kind}"],
                state=Proposal.State.PROPOSED if i < n["proposed"] else Proposal.State.CONFIRMED,
                decided_at=None if i < n["proposed"] else self.now - dt.timedelta(minutes=50),
                decided_by=None if i < n["proposed"] else self.worker,
                created_at=run.created_at,
            )
            for i, (r, h) in enumerate(zip(rows, picks, strict=True))
            if r.state == S.PROPOSED
        ]  # fmt: skip
        Proposal.objects.bulk_create(proposals)
        pending = []
        for r in rows:
            if r.state != S.DONE:
                continue
            check_in = r.window_start + dt.timedelta(minutes=20)
            pending.append(
                ServiceRecord(
                    request=r,
                    helper=r.helper,
                    recipient_id=r.requester_id,
                    community=community,
                    agreed_minutes=r.agreed_minutes,
                    checked_in_at=check_in,
                    checked_out_at=check_in + dt.timedelta(minutes=r.agreed_minutes),
                    claimed_minutes=r.agreed_minutes,
                    state=ServiceRecord.State.PENDING,
                )
            )
        ServiceRecord.objects.bulk_create(pending)
        return {"board_requests": len(rows), "proposals": len(proposals)}

    def _pairings(self, community, helpers) -> dict[str, int]:
        """Pairings of most of the community's residents living alone, with a year of visits;
        one in four is overdue (its last visit older than its frequency)."""
        from silin.mutualaid.models import Pairing, Visit
        from silin.mutualaid.selectors_pairings import LIVING_ALONE
        from silin.people.models import Resident

        rng = self.rng
        paired = set(
            Pairing.objects.filter(community=community, ended_on__isnull=True).values_list(
                "resident_id", flat=True
            )
        )
        alone = [
            pk
            for pk in Resident.objects.filter(
                community=community, status=Resident.Status.LIVING, tags__code=LIVING_ALONE
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            if pk not in paired
        ]
        chosen = rng.sample(alone, round(len(alone) * PAIRED_SHARE))
        pairs, visits = [], []
        for n, resident in enumerate(chosen):
            helper = rng.choice(helpers)
            every = rng.choice((3, 7, 7, 14))
            started = self.today - dt.timedelta(days=rng.randint(60, 365))
            gap = every + rng.randint(2, 30) if n % 4 == 0 else rng.randint(0, every - 1)
            last = self.now - dt.timedelta(days=gap, hours=rng.randint(0, 5))
            pair = Pairing(
                community=community,
                kind=rng.choice([k for k, _l in Pairing.Kind.choices]),
                helper=helper,
                resident_id=resident,
                every_days=every,
                started_on=started,
                last_visit_at=last,
                created_by=self.worker,
            )
            pairs.append(pair)
            moment = last
            while moment.date() > started:
                visits.append((pair, moment))
                moment -= dt.timedelta(days=max(1, every + rng.randint(-1, 2)))
        Pairing.objects.bulk_create(pairs, batch_size=2000)
        Visit.objects.bulk_create(
            (
                Visit(
                    pairing=pair,
                    visited_at=moment,
                    logged_by=self.worker,
                    by_worker=True,
                    all_well=rng.random() > 0.04,
                )
                for pair, moment in visits
            ),
            batch_size=5000,
        )
        return {"pairings": len(pairs), "visits": len(visits)}


def _analyze() -> None:
    from django.db import connection

    tables = (
        "helperprofile", "helprequest", "proposal", "servicerecord", "account", "transfer",
        "movement", "pairing", "visit", "team_members", "alliance_compounds",
    )  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(f"mutualaid_{t}" for t in tables))
        else:
            cursor.execute("ANALYZE")


def busiest_community():
    """The community with the most of the bench's open requests (ties: the first)."""
    from django.db.models import Count

    from silin.mutualaid.models import HelpRequest
    from silin.places.models import Community

    row = (
        HelpRequest.objects.filter(state=HelpRequest.State.OPEN, notes=OPEN_NOTE)
        .values("community_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "community_id")
        .first()
    )
    return Community.objects.select_related("street").get(pk=row["community_id"])


def ensure_data() -> dict:
    import _setup

    residents = _env_int("BENCH_RESIDENTS", 200000)
    seeding = _setup.ensure_seeded(residents)
    from silin.demo.seeding import demo_context
    from silin.mutualaid import demo

    demo.seed(demo_context())  # a street seeded before neighbour services gets them now
    started = time.perf_counter()
    loader = Loader(random.Random(1212))
    made = {"helpers": loader.helpers(_env_int("BENCH_MA_HELPERS", 3000))}
    made["open"] = loader.open_requests(_env_int("BENCH_MA_OPEN", 5000))
    community = busiest_community()
    made |= loader.history(community, _env_int("BENCH_MA_HISTORY", 20000))
    made["year_proposals"] = loader.year_proposals(community)
    if any(made.values()):
        _analyze()
    return {
        "residents": seeding["residents"],
        "made": {k: v for k, v in made.items() if v},
        "seconds": time.perf_counter() - started,
        "community": community,
        "worker": loader.worker,
        "street": loader.street,
    }


def books_balance(community) -> tuple[bool, str]:
    """Every transfer of the community sums to zero, every account's balance is its
    movements' sum, and all balances sum to zero."""
    from django.db.models import Sum

    from silin.mutualaid.models import Account, Movement

    unbalanced = (
        Movement.objects.filter(transfer__community=community)
        .values("transfer_id")
        .annotate(s=Sum("amount"))
        .exclude(s=0)
        .count()
    )
    sums = dict(
        Movement.objects.filter(account__community=community)
        .values("account_id")
        .annotate(s=Sum("amount"))
        .values_list("account_id", "s")
    )
    accounts = dict(Account.objects.filter(community=community).values_list("pk", "balance"))
    off = sum(1 for pk, balance in accounts.items() if sums.get(pk, 0) != balance)
    total = sum(accounts.values())
    ok = unbalanced == 0 and off == 0 and total == 0
    text = (
        f"{len(accounts)} accounts, {Movement.objects.filter(account__community=community).count()}"
        f" movements: unbalanced transfers {unbalanced}, balances off their movements {off}, "
        f"sum of balances {total}"
    )
    return ok, text


# --- (a) the optimal assignment -------------------------------------------------------------


def assignment(street, repeats: int) -> bool:
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from silin.mutualaid import matching
    from silin.mutualaid.services.matching import read_pool

    requests, helpers = Q(community__street=street), Q(community__street=street)
    reads, cands, solves, assigns, cpus = [], [], [], [], []
    result = pool = None
    for _i in range(repeats):
        now = timezone.now()
        with transaction.atomic():  # as matching_run: the open requests locked while solved
            pool = read_pool(requests, helpers, now, lock=True)
            started, cpu = time.perf_counter(), time.process_time()
            result = matching.assign(pool.needs, pool.offers)
            assigns.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            transaction.set_rollback(True)
        reads.append(pool.seconds)
        cands.append(result.seconds_candidates)
        solves.append(result.seconds_solve)
    assert result is not None and pool is not None
    started = time.perf_counter()
    base = matching.greedy(pool.needs, pool.offers)
    greedy_s = time.perf_counter() - started
    # Checks: no helper over what they have left; each need at most once.
    remaining = {o.key: o.remaining for o in pool.offers}
    used = collections.Counter(p.offer for p in result.pairs)
    over = sum(1 for k, n in used.items() if n > remaining[k])
    twice = len(result.pairs) - len({p.need for p in result.pairs})
    timed = sum(1 for n in pool.needs if n.window is not None)
    any_time = sum(1 for o in pool.offers if o.availability is None)
    cand = matching.find_candidates(pool.needs, pool.offers)
    print(
        f"  pool: {len(pool.needs)} open requests ({timed} in one day's window), "
        f"{len(pool.offers)} available helpers ({any_time} any time), "
        f"capacity left {sum(max(o.remaining, 0) for o in pool.offers)}; "
        f"{cand.need.size} candidate pairs (at most {matching.MAX_CANDIDATES} per request)"
    )

    def row(label: str, values: list[float]) -> None:
        print(f"  {label:<44} min {min(values) * 1000:7.1f} ms  median "
              f"{statistics.median(values) * 1000:7.1f} ms")  # fmt: skip

    row("DB read (read_pool, candidate input)", reads)
    row("candidate generation (find_candidates)", cands)
    row("solve (sparse min-weight matching)", solves)
    row("assign = candidates + solve + pairs", assigns)
    row("  its CPU time (this process)", cpus)
    row("total with the DB read", [a + b for a, b in zip(reads, assigns, strict=True)])
    median = statistics.median(assigns)
    ok = median <= TARGETS["assign_s"]
    print(
        f"  assignment (candidates + solve) median {median:.3f} s, target "
        f"{TARGETS['assign_s']} s, ratio {median / TARGETS['assign_s']:.2f}  "
        f"{'ok' if ok else 'OVER TARGET'}"
    )
    print(
        f"  optimal: matched {len(result.pairs)} of {len(pool.needs)}, total distance "
        f"(matched cost) {result.matched_cost}, "
        f"{result.matched_cost / max(len(result.pairs), 1):.2f} a pair; "
        f"objective {result.total_cost}"
    )
    print(
        f"  greedy nearest-first: matched {len(base.pairs)}, total distance {base.matched_cost}, "
        f"{base.matched_cost / max(len(base.pairs), 1):.2f} a pair; objective {base.total_cost} "
        f"({greedy_s * 1000:.0f} ms)"
    )
    print(
        f"  optimal / greedy: matched {len(result.pairs) / max(len(base.pairs), 1):.3f}, "
        f"total distance {result.matched_cost / max(base.matched_cost, 1):.3f}, objective "
        f"{result.total_cost / max(base.total_cost, 1):.3f}"
    )
    checks = over == 0 and twice == 0 and result.total_cost <= base.total_cost
    print(
        f"  checks: helpers over capacity {over}, requests matched twice {twice}, "
        f"objective <= greedy's {result.total_cost <= base.total_cost}  "
        f"{'ok' if checks else 'FAILED'}"
    )
    return not (ok and checks)


# --- (b), (c) the pages -----------------------------------------------------------------------


def _measure(label: str, call, n: int, target_ms: float | None) -> bool:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _i in range(10):
        response = call()
        assert response.status_code == 200, (label, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = call()
    queries = len(captured)  # now: the next request's start empties the log it reads
    size = len(response.content) / 1024
    samples, cpu = [], []
    for _i in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (label, response.status_code)
    p50, p95 = _percentiles(samples)
    cpu50, _cpu95 = _percentiles(cpu)
    if target_ms is None:
        verdict = "(no target)"
    else:
        verdict = f"p95/target {p95 / target_ms:4.2f}  " + (
            "ok" if p95 <= target_ms else "OVER TARGET"
        )
    print(
        f"  {label:<34} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (CPU p50 {cpu50:5.1f} ms)  "
        f"{queries} queries, {size:.1f} KB  {verdict}"
    )
    return target_ms is not None and p95 > target_ms


def pages(community, worker, n: int) -> bool:
    from django.test import Client
    from django.urls import reverse

    from silin.mutualaid import selectors, selectors_pairings

    board = selectors.board(actor=worker, community=community)
    overdue = selectors_pairings.overdue_list(actor=worker, community=community, limit=25)
    print(
        f"  {community.name} board (first page of each section, of its total): "
        + ", ".join(
            f"{len(page)} of {page.paginator.count} {name.replace('_', ' ')}"
            for name, page in (
                ("proposed", board.proposed),
                ("sent", board.sent),
                ("open", board.unmatched),
                ("under_way", board.under_way),
                ("to_confirm", board.to_confirm),
            )
        )
        + f", {board.helpers} helpers; overdue: {overdue.total} of them "
        f"({len(overdue.rows)} on its first page), {overdue.unpaired_total} with no pairing"
    )
    client = Client()
    client.force_login(worker)
    board_url = reverse("mutualaid:board", kwargs={"uuid": community.uuid})
    overdue_url = reverse("mutualaid:overdue")
    target = TARGETS["page_p95_ms"]
    print(f"  {_load()}")
    slow = _measure("(b) the board", lambda: client.get(board_url), n, target)
    print(f"  {_load()}")
    slow |= _measure(
        "(c) the overdue list",
        lambda: client.get(overdue_url, {"community": str(community.uuid)}),
        n,
        target,
    )
    # Not a target of the issue: the neighbours living alone with no pairing, a page of
    # their own (finding them reads every resident the tag names on the street).
    unpaired_url = reverse("mutualaid:unpaired")
    _measure(
        "(d) no one visiting",
        lambda: client.get(unpaired_url, {"community": str(community.uuid)}),
        n,
        None,
    )
    return slow


def main() -> bool:
    """Returns True when a target is missed or a check fails."""
    import _setup

    _setup.configure()
    data = ensure_data()
    made = data["made"]
    made_text = (
        "added " + ", ".join(f"{v} {k}" for k, v in made.items()) + f" in {data['seconds']:.1f} s"
        if made
        else f"reusing them ({data['seconds']:.1f} s to check)"
    )
    print(f"  street: {data['residents']} residents; bench data: {made_text}")
    from silin.mutualaid.models import HelperProfile, HelpRequest, Pairing, ServiceRecord, Visit

    community = data["community"]
    print(
        f"  {community.name}: {HelpRequest.objects.filter(community=community).count()} requests,"
        f" {ServiceRecord.objects.filter(community=community).count()} service records, "
        f"{Pairing.objects.filter(community=community).count()} pairings, "
        f"{Visit.objects.filter(pairing__community=community).count()} visits; street: "
        f"{HelperProfile.objects.available().filter(community__street=data['street']).count()}"
        " available helpers"
    )
    balanced, text = books_balance(community)
    print(f"  books: {text}  {'ok' if balanced else 'FAILED'}")
    print(f"  {_load()}")
    failed = not balanced
    failed |= assignment(data["street"], _env_int("BENCH_MA_REPEATS", 5))
    failed |= pages(community, data["worker"], _env_int("BENCH_MA_PAGES", 100))
    print(f"  {_load()} at the end")
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(1 if main() else 0)
