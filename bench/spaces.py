"""Neighbour Spaces under load: one slot wanted by 200 people at once, and read latencies
with a year of bookings.

(a) The race. 200 different residents ask for the same hour of one space at the same
    instant, through HTTP (`POST /api/v1/spaces/<uuid>/bookings`, bearer tokens), spread
    over TWO app processes: two gunicorn servers on two ports, one worker process with 8
    threads each, sharing the benchmark database. Target: exactly one booking, every other
    answer a clear 409 "taken a moment ago", no 5xx. It prints the status counts and checks
    the database afterwards. On PostgreSQL the exclusion constraint and the per-space row
    lock decide; on SQLite the single writer (IMMEDIATE transactions, 20 s busy timeout)
    queues the writes, which is what this measures there.
(b) Availability of one space for a month (30 days, the busiest space, as 刘大爷):
    `GET /api/v1/spaces/<uuid>/availability`, target p95 < 200 ms.
(c) The space directory `/spaces/` as 刘大爷 and as the street administrator,
    target p95 < 200 ms.
(d) The street overview of use figures `/spaces/figures/?period=month` as the street
    administrator (a report, opened now and then), target p95 < 500 ms.

The demo street's 50+ bookable spaces get a year of past bookings (about 20,000, planned
like the demo's month, never overlapping) the first time; later runs reuse them.
(b)-(d) run through Django's test client in this process, like bench/register.py:
BENCH_REQUESTS requests each (default 200) after a warm-up.

Environment: as bench/run.py; BENCH_SPACES_RACERS (default 200) sets the crowd size.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATENCY_TARGET_MS = {"availability": 200.0, "directory": 200.0, "figures": 500.0}
YEAR_DAYS = 365
LOG_PATH = ROOT / "var" / "bench_spaces_servers.log"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94]


# --- data ----------------------------------------------------------------------------------


def ensure_spaces() -> dict:
    """The seeded street, its spaces (a street seeded before the spaces demo gets them now)
    and a year of past bookings."""
    import _setup

    residents = int(os.environ.get("BENCH_RESIDENTS", "200000"))
    seeding = _setup.ensure_seeded(residents)
    from silin.demo.seeding import demo_context
    from silin.spaces import demo
    from silin.spaces.models import Booking, Space

    demo.seed(demo_context())
    started = time.perf_counter()
    added = add_year_of_bookings()
    return {
        "residents": seeding["residents"],
        "spaces": Space.objects.filter(active=True).count(),
        "bookings": Booking.objects.count(),
        "added": added,
        "seconds": time.perf_counter() - started,
    }


def add_year_of_bookings() -> int:
    """Past bookings for the year before the demo's month, planned by the demo's planner."""
    from django.db import transaction
    from django.utils import timezone

    from silin.demo.seeding import demo_context
    from silin.spaces import demo
    from silin.spaces.models import Booking, Space

    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=YEAR_DAYS)
    if Booking.objects.filter(starts_at__lt=_aware(today - dt.timedelta(days=60))).exists():
        return 0
    seeder = demo.SpacesSeeder(demo_context(seed=2027, log=print))
    seeder.load_cast()
    plans = {p.name: p for p in demo.all_plans()}
    seeder.spaces = {s.name: s for s in Space.objects.filter(active=True, name__in=plans)}
    seeder.plans = {s.pk: plans[s.name] for s in seeder.spaces.values()}
    seeder.load_calendar()
    rows = []
    first_demo_day = today - dt.timedelta(days=demo.HISTORY_DAYS)
    for space in sorted(seeder.spaces.values(), key=lambda s: s.pk):
        day = year_ago
        while day < first_demo_day:
            rows += seeder._day_of(space, day)  # noqa: SLF001 - the demo's own planner
            day += dt.timedelta(days=1)
    with transaction.atomic():
        Booking.objects.bulk_create(rows, batch_size=5000)
    _analyze()
    return len(rows)


def _aware(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE spaces_booking" if connection.vendor == "postgresql" else "ANALYZE")


# --- (a) the race over HTTP against two app processes --------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_servers(n: int = 2) -> list[tuple[subprocess.Popen, int]]:
    servers = []
    LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    # Their log (one "Conflict" warning per refused request) goes to a file; each child
    # keeps its own copy of the descriptor.
    with LOG_PATH.open("a") as log:
        for _i in range(n):
            port = _free_port()
            command = [
                sys.executable, "-m", "gunicorn", "config.wsgi",
                "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8",
                "--worker-class", "gthread", "--timeout", "120", "--log-level", "warning",
            ]  # fmt: skip
            process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
            )
            servers.append((process, port))
    for process, port in servers:
        _wait_until_up(process, port)
    return servers


def _wait_until_up(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/spaces", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # 401 without a token: the app answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn on port {port} did not answer within 60 s")


def _stop_servers(servers) -> None:
    for process, _port in servers:
        process.terminate()
    for process, _port in servers:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _race_space():
    """A room open round the clock for the race, created once through the services."""
    import datetime as _dt

    from silin.accounts.models import User
    from silin.demo.cast import DEMO_LOGINS
    from silin.places.models import Community
    from silin.spaces.models import Space
    from silin.spaces.services import hours as hour_services
    from silin.spaces.services import spaces as space_services

    community = Community.objects.get(name="三江社区")
    space = Space.objects.filter(community=community, name="压测活动室").first()
    if space is not None:
        return space
    admin = User.objects.get(mobile=DEMO_LOGINS[0].mobile)
    space = space_services.space_create(
        actor=admin,
        data=space_services.SpaceData(
            name="压测活动室", kind=Space.Kind.ACTIVITY_CENTRE, community=community,
            capacity=10, reach=Space.Reach.STREET, book_ahead_days=366,
            description="Benchmark room: 200 people ask for the same hour at once.",
        ),
    )  # fmt: skip
    windows = [(d, _dt.time(0), _dt.time(23, 59)) for d in range(7)]
    hour_services.opening_hours_set(actor=admin, space=space, windows=windows)
    return space


def _racers(n: int) -> list[tuple[object, str]]:
    """`n` residents of the street with a login and a fresh API token each."""
    from silin.accounts.models import RoleAssignment, User, refresh_role_grants
    from silin.accounts.services import token_create
    from silin.core.roles import Role
    from silin.places.models import Compound

    compound = Compound.objects.get(name="沱源")
    mobiles = [f"1990000{i:04d}" for i in range(n)]
    existing = {u.mobile for u in User.objects.filter(mobile__in=mobiles)}
    new = [User(mobile=m, name=f"压测居民{m[-4:]}") for m in mobiles if m not in existing]
    User.objects.bulk_create(new)
    users = list(User.objects.filter(mobile__in=mobiles).order_by("mobile"))
    have_role = set(
        RoleAssignment.objects.filter(user__in=users, role=Role.RESIDENT).values_list(
            "user_id", flat=True
        )
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=u, role=Role.RESIDENT, compound=compound)
        for u in users
        if u.pk not in have_role
    )
    refresh_role_grants(u.pk for u in users if u.pk not in have_role)  # bulk: no signal
    return [(u, token_create(actor=u, name="bench race")[1]) for u in users]


def _free_hour(space) -> dt.datetime:
    """The first hour from tomorrow 08:00 that the room can hold and nobody holds: each run
    races a new slot. Asked of the availability the app itself computes (opening hours,
    blocks and live bookings), so an hour past closing (23:00-24:00 in a room that closes
    at 23:59) is never handed out; a day's hours run out at closing, then the next day's
    start again at 08:00."""
    from django.utils import timezone

    from silin.spaces.selectors.availability import FREE, availability

    day = timezone.localdate() + dt.timedelta(days=1)
    last = timezone.localdate() + dt.timedelta(days=space.book_ahead_days - 1)
    while day <= last:
        start = _aware(day) + dt.timedelta(hours=8)
        end_of_day = _aware(day + dt.timedelta(days=1))
        while start + dt.timedelta(hours=1) <= end_of_day:
            intervals = availability(
                space=space, starts_at=start, ends_at=start + dt.timedelta(hours=1)
            )
            if len(intervals) == 1 and intervals[0].state == FREE:
                return start
            start += dt.timedelta(hours=1)
        day += dt.timedelta(days=1)
    raise RuntimeError(f"{space.name} has no free hour left within its booking horizon")


def _post(url: str, body: bytes, secret: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own servers on loopback
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # no HTTP answer at all (connection refused or reset)


def race(n: int) -> bool:
    """Returns True when the race went wrong."""
    from silin.spaces.models import Booking

    space = _race_space()
    racers = _racers(n)
    start = _free_hour(space)
    body = json.dumps(
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            "purpose": "压测：同一时段",
            "attendees": 2,
        }
    ).encode()
    servers = _start_servers(2)
    try:
        ports = [port for _p, port in servers]
        statuses: list[int] = [0] * n
        barrier = threading.Barrier(n)

        def run(i: int, secret: str) -> None:
            url = f"http://127.0.0.1:{ports[i % 2]}/api/v1/spaces/{space.uuid}/bookings"
            barrier.wait()
            statuses[i] = _post(url, body, secret)

        threads = [
            threading.Thread(target=run, args=(i, secret)) for i, (_u, secret) in enumerate(racers)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
    finally:
        _stop_servers(servers)
    counts = collections.Counter(statuses)
    held = Booking.objects.filter(space=space, status__in=Booking.LIVE_STATES).overlapping(
        start, start + dt.timedelta(hours=1)
    )
    booked = held.count()
    server_errors = sum(c for s, c in counts.items() if s >= 500 or s == 0)
    by_port = collections.Counter(
        (ports[i % 2], s) for i, s in enumerate(statuses) if s in (200, 201)
    )
    print(
        f"  (a) {n} simultaneous POSTs for one hour over HTTP, 2 gunicorn processes "
        f"(ports {ports[0]}, {ports[1]}; 1 worker x 8 threads each): {seconds:.1f} s"
    )
    print(
        "      status counts: "
        + ", ".join(f"{s or 'no answer'}: {c}" for s, c in sorted(counts.items()))
    )
    print(f"      won on port: {dict(by_port) or 'none'}")
    ok = booked == 1 and counts.get(201, 0) == 1 and server_errors == 0
    print(
        f"      bookings holding the slot afterwards: {booked} (target exactly 1); "
        f"5xx or no answer: {server_errors} (target 0)  {'ok' if ok else 'FAILED'}"
    )
    return not ok


# --- (b)-(d) latencies ---------------------------------------------------------------------


def _measure(label: str, call, n: int, target_ms: float) -> bool:
    """Wall-clock p50/p95 against the target, and this process's CPU time per request:
    on a busy machine the wall clock also counts waiting for a core, the CPU time does not
    (it leaves out the PostgreSQL server's own work; on SQLite it is all of it)."""
    for _i in range(10):
        response = call()
        assert response.status_code == 200, (label, response.status_code)
    samples, cpu = [], []
    for _i in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (label, response.status_code)
    p50, p95 = _percentiles(samples)
    cpu50, cpu95 = _percentiles(cpu)
    verdict = "ok" if p95 <= target_ms else "OVER TARGET"
    print(
        f"  {label:<48} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"(CPU p50 {cpu50:5.1f}, p95 {cpu95:5.1f})  target {target_ms:.0f}  "
        f"p95/target {p95 / target_ms:4.2f}  {verdict}"
    )
    return p95 > target_ms


def latencies(n: int) -> bool:
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from silin.accounts.models import User
    from silin.accounts.services import token_create
    from silin.core.roles import Role
    from silin.demo.cast import DEMO_LOGINS
    from silin.spaces.models import Space

    mobiles = {d.role: d.mobile for d in DEMO_LOGINS}
    liu = User.objects.get(mobile=mobiles[Role.RESIDENT])
    admin = User.objects.get(mobile=mobiles[Role.STREET_ADMIN])
    busiest = (
        Space.objects.filter(active=True, community__name="三江社区")
        .annotate(n=Count("bookings"))
        .order_by("-n", "pk")
        .first()
    )
    today = timezone.localdate()
    window = {
        "starts_at": _aware(today - dt.timedelta(days=14)).isoformat(),
        "ends_at": _aware(today + dt.timedelta(days=16)).isoformat(),
    }
    in_window = busiest.bookings.filter(
        starts_at__gte=window["starts_at"], starts_at__lt=window["ends_at"]
    ).count()
    print(
        f"  busiest space: {busiest.name} ({busiest.bookings.count()} bookings, "
        f"{in_window} in the 30-day window)"
    )
    secret = token_create(actor=liu, name="bench availability")[1]
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    path = f"/api/v1/spaces/{busiest.uuid}/availability"
    slow = _measure(
        "(b) availability, 30 days, as 刘大爷 (API)",
        lambda: api.get(path, window),
        n,
        LATENCY_TARGET_MS["availability"],
    )
    as_liu, as_admin = Client(), Client()
    as_liu.force_login(liu)
    as_admin.force_login(admin)
    for label, client in (("刘大爷", as_liu), ("street admin", as_admin)):
        slow |= _measure(
            f"(c) directory /spaces/ as {label}",
            lambda client=client: client.get("/spaces/"),
            n,
            LATENCY_TARGET_MS["directory"],
        )
    slow |= _measure(
        "(d) figures /spaces/figures/?period=month, admin",
        lambda: as_admin.get("/spaces/figures/", {"period": "month"}),
        n,
        LATENCY_TARGET_MS["figures"],
    )
    return slow


def main() -> bool:
    """Returns True when something failed."""
    import _setup

    _setup.configure()
    n = int(os.environ.get("BENCH_REQUESTS", "200"))
    racers = int(os.environ.get("BENCH_SPACES_RACERS", "200"))
    data = ensure_spaces()
    added = (
        f"added {data['added']} past bookings in {data['seconds']:.1f} s"
        if data["added"]
        else "reusing the year of bookings"
    )
    print(
        f"  street: {data['residents']} residents, {data['spaces']} bookable spaces, "
        f"{data['bookings']} bookings ({added})"
    )
    print("  load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    failed = race(racers)
    failed |= latencies(n)
    print("  load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(1 if main() else 0)
