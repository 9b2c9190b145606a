"""A rush the way one comes: many residents book one slot at once, and a crowd reads pages.

Against gunicorn with 4 sync workers on PostgreSQL, started here, driven by one async
httpx client with a bounded pool:

(a) The booking rush. BENCH_RUSH_N (default 1,000) residents, each with their own API
    token, POST the same hour of one room (`/api/v1/spaces/<uuid>/bookings`), 50 at a time
    (the client's pool). Printed: req/s, p50/p95/p99, the status histogram, the invariant
    checked in the database (exactly one booking holds the slot, no 5xx), worker CPU ms
    per request (utime+stime of the gunicorn workers from /proc, before and after) and
    PostgreSQL CPU ms per request (the server's processes, sampled the same way: the live
    backends plus what the postmaster has reaped from those that ended).
(b) Reads: 20 concurrent clients for BENCH_READ_SECONDS (default 10) s each on the space
    page `/spaces/<uuid>/`, the directory `/spaces/` and the home page `/`, as a resident
    (刘大爷's session); req/s, p50/p95, worker and PostgreSQL CPU per request, HTML size.
(c) The booking POST through Django's test client in this process: SQL queries and CPU ms
    of a refused and of a won POST (the budgets of docs/architecture.md).
(d) The floor: a bare Django view of the same shape (bench/_floor_app.py: a row lock on
    the parent, a capacity check, an INSERT; CommonMiddleware only) under the same 4
    workers and the same client, 1,000 POSTs 50 at a time and a trivial GET; Silin's
    figures are printed as a ratio to it beside the ratio to the targets.

The machine's load average is printed before each measure: throughput on a shared machine
is only meaningful when it is low. Exits non-zero when a target is missed or a check fails.

Environment: as bench/run.py; BENCH_RUSH_N, BENCH_READ_SECONDS, BENCH_RUSH_WORKERS
(default 4).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from _proc import CpuMeter, postmaster_pid

ROOT = Path(__file__).resolve().parent.parent
LOG_PATH = ROOT / "var" / "bench_rush_servers.log"
POOL = 50
READERS = 20
TARGETS = {
    "rush_rps": 200.0,
    "rush_p95_ms": 300.0,
    "refused_cpu_ms": 5.0,
    "won_cpu_ms": 8.0,
    "refused_queries": 6,
    "won_queries": 10,
    "page_rps": 107.0,
    "page_cpu_ms": 12.0,
    "page_kb": 35.0,
}
# The floor's two tables (bench/_floor_app.py), in the benchmark database only.
FLOOR_TABLES = (
    "CREATE TABLE IF NOT EXISTS bench_floor_slot "
    "(id bigserial PRIMARY KEY, capacity integer NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_floor_claim (id bigserial PRIMARY KEY, "
    "slot_id bigint NOT NULL REFERENCES bench_floor_slot (id), who text NOT NULL, "
    "attendees integer NOT NULL)",
    "CREATE INDEX IF NOT EXISTS bench_floor_claim_slot ON bench_floor_claim (slot_id)",
)


def _load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# --- servers ------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, workers: int, env: dict[str, str], chdir: Path) -> tuple:
    import spaces

    port = _free_port()
    LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "gunicorn", app, "--chdir", str(chdir),
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--backlog", "2048", "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    with LOG_PATH.open("a") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    spaces._wait_until_up(process, port)  # noqa: SLF001 - the same wait as the race
    return process, port


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def silin_env() -> dict[str, str]:
    env = os.environ.copy()
    # Production-like: the task rows go to the database, as `make serve` does.
    env["SILIN_TASK_BACKEND"] = "database"
    env.setdefault("TZ", "Asia/Shanghai")
    return env


# --- the client -----------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    worker_cpu: float = 0.0
    pg_cpu: float = 0.0
    client_cpu: float = 0.0
    size: int = 0

    @property
    def n(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    def pct(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def per_request_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.n if self.n else 0.0

    def print(self, load: str) -> None:
        statuses = ", ".join(f"{s or 'no answer'}: {c}" for s, c in sorted(self.statuses.items()))
        print(
            f"  {self.label}: {self.n} requests in {self.seconds:.2f} s = {self.rps:.1f} req/s; "
            f"p50 {self.pct(50):.0f} ms, p95 {self.pct(95):.0f} ms, p99 {self.pct(99):.0f} ms"
        )
        print(
            f"      statuses {statuses}; worker CPU {self.per_request_ms(self.worker_cpu):.2f} "
            f"ms/request, PostgreSQL {self.per_request_ms(self.pg_cpu):.2f}, client "
            f"{self.per_request_ms(self.client_cpu):.2f}"
            + (f"; {self.size / 1024:.1f} KB" if self.size else "")
            + f"  ({load} at the start)"
        )


async def _posts(url: str, bodies: list[tuple[bytes, dict]], run: Run) -> None:
    import httpx

    limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    timeout = httpx.Timeout(120.0, pool=None)
    # At most POOL requests are handed to the client at once: httpx's pool slows down
    # badly with hundreds of requests queued inside it (each one waiting is looked at for
    # every connection released), which measured the client, not the server. A request's
    # latency runs from when it is sent, as a crowd of POOL clients sees it.
    gate = asyncio.Semaphore(POOL)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        async def one(body: bytes, headers: dict) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.post(url, content=body, headers=headers)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                run.latencies.append((time.perf_counter() - started) * 1000)
                run.statuses[status] += 1

        await asyncio.gather(*(one(b, h) for b, h in bodies))


async def _reads(url: str, headers: dict, seconds: float, run: Run) -> None:
    import httpx

    limits = httpx.Limits(max_connections=READERS, max_keepalive_connections=READERS)
    async with httpx.AsyncClient(limits=limits, timeout=60.0, headers=headers) as client:
        first = await client.get(url)
        run.size = len(first.content)
        deadline = time.perf_counter() + seconds

        async def reader() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    status = (await client.get(url)).status_code
                except httpx.HTTPError:
                    status = 0
                run.latencies.append((time.perf_counter() - started) * 1000)
                run.statuses[status] += 1

        await asyncio.gather(*(reader() for _i in range(READERS)))


def measured(run: Run, meter: CpuMeter, coroutine) -> Run:
    w0, p0 = meter.sample()
    c0 = time.process_time()
    started = time.perf_counter()
    asyncio.run(coroutine)
    run.seconds = time.perf_counter() - started
    run.client_cpu = time.process_time() - c0
    w1, p1 = meter.sample()
    run.worker_cpu, run.pg_cpu = w1 - w0, p1 - p0
    return run


def warm(port: int, paths: list[str], headers: dict | None = None) -> None:
    """A few requests per worker first: imports, templates and connections are ready."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers or {}) as client:
        for _i in range(12):
            for p in paths:
                client.get(p)


# --- Silin ----------------------------------------------------------------------------------


def rush_bodies(start: dt.datetime, racers: list) -> list[tuple[bytes, dict]]:
    body = json.dumps(
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            "purpose": "压测：同一时段",
            "attendees": 2,
        }
    ).encode()
    return [
        (
            body,
            {
                "Authorization": f"Bearer {secret}",
                "Content-Type": "application/json",
                "Accept-Language": "en",
            },
        )
        for _u, secret in racers
    ]


def booked(space, start: dt.datetime) -> int:
    from silin.spaces.models import Booking

    return (
        Booking.objects.filter(space=space, status__in=Booking.LIVE_STATES)
        .overlapping(start, start + dt.timedelta(hours=1))
        .count()
    )


def resident_session() -> tuple[dict, object]:
    """刘大爷's session cookie (database sessions: every worker reads it) and the busiest
    space of his community."""
    from django.db.models import Count
    from django.test import Client

    from silin.accounts.models import User
    from silin.core.roles import Role
    from silin.demo.cast import DEMO_LOGINS
    from silin.spaces.models import Space

    mobile = next(d.mobile for d in DEMO_LOGINS if d.role == Role.RESIDENT)
    liu = User.objects.get(mobile=mobile)
    client = Client()
    client.force_login(liu)
    busiest = (
        Space.objects.filter(active=True, community__name="三江社区")
        .annotate(n=Count("bookings"))
        .order_by("-n", "pk")
        .first()
    )
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return {"Cookie": cookie, "Accept-Language": "zh-hans"}, busiest


def silin_runs(n: int, workers: int, seconds: float) -> dict[str, Run]:
    import spaces

    space = spaces._race_space()  # noqa: SLF001 - the race's room
    racers = spaces._racers(n)  # noqa: SLF001
    start = spaces._free_hour(space)  # noqa: SLF001
    headers, busiest = resident_session()
    process, port = start_gunicorn("config.wsgi", workers, silin_env(), ROOT)
    runs: dict[str, Run] = {}
    try:
        meter = CpuMeter(process.pid, postmaster_pid())
        pages = {
            "space page": f"/spaces/{busiest.uuid}/",
            "directory": "/spaces/",
            "home page": "/",
        }
        warm(port, list(pages.values()), headers)
        base = f"http://127.0.0.1:{port}"
        load = _load()
        run = Run(f"(a) booking rush, {n} residents, {POOL} at a time, {workers} sync workers")
        measured(
            run,
            meter,
            _posts(f"{base}/api/v1/spaces/{space.uuid}/bookings", rush_bodies(start, racers), run),
        )
        run.print(load)
        runs["rush"] = run
        for key, path in pages.items():
            load = _load()
            run = Run(f"(b) {key} {path}, {READERS} clients for {seconds:.0f} s")
            measured(run, meter, _reads(base + path, headers, seconds, run))
            run.print(load)
            runs[key] = run
    finally:
        stop(process)
    holding = booked(space, start)
    rush = runs["rush"]
    errors = sum(c for s, c in rush.statuses.items() if s >= 500 or s == 0)
    ok = holding == 1 and rush.statuses.get(201, 0) == 1 and errors == 0
    print(
        f"      (a) bookings holding the slot {start:%Y-%m-%d %H:%M} afterwards: {holding} "
        f"(target exactly 1); 5xx or no answer: {errors} (target 0)  {'ok' if ok else 'FAILED'}"
    )
    rush.ok = ok  # type: ignore[attr-defined]
    return runs


# --- the floor -------------------------------------------------------------------------------


def floor_runs(n: int, workers: int, seconds: float) -> dict[str, Run]:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in FLOOR_TABLES:
            cursor.execute(statement)
        cursor.execute("INSERT INTO bench_floor_slot (capacity) VALUES (1) RETURNING id")
        slot = cursor.fetchone()[0]
    env = os.environ.copy()
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process, port = start_gunicorn("_floor_app:application", workers, env, ROOT / "bench")
    runs: dict[str, Run] = {}
    try:
        meter = CpuMeter(process.pid, postmaster_pid())
        warm(port, ["/floor/"])
        base = f"http://127.0.0.1:{port}"
        headers = {"Content-Type": "application/json"}
        bodies = [
            (json.dumps({"who": f"r{i}", "attendees": 2}).encode(), headers) for i in range(n)
        ]
        load = _load()
        run = Run(f"(d) floor: bare Django POST, {n} at {POOL} at a time, {workers} sync workers")
        measured(run, meter, _posts(f"{base}/floor/slots/{slot}/claims", bodies, run))
        run.print(load)
        runs["post"] = run
        load = _load()
        run = Run(f"(d) floor: trivial GET, {READERS} clients for {seconds:.0f} s")
        measured(run, meter, _reads(f"{base}/floor/", {}, seconds, run))
        run.print(load)
        runs["get"] = run
    finally:
        stop(process)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_floor_claim WHERE slot_id = %s", [slot])
        claims = cursor.fetchone()[0]
    print(f"      floor claims of the slot afterwards: {claims} (exactly 1 expected)")
    return runs


# --- (c) one POST in this process: queries and CPU ---------------------------------------------


def post_budgets() -> dict[str, tuple[int, float]]:
    """Queries and median CPU ms of a refused and a won booking POST (test client), with
    the task rows written to the database as in production."""
    from django.test import override_settings

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        return _post_budgets()


def _post_budgets() -> dict[str, tuple[int, float]]:
    import spaces
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Each refused POST logs a "Conflict" warning: not wanted on the bench's output.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    space = spaces._race_space()  # noqa: SLF001
    racers = spaces._racers(60)  # noqa: SLF001
    url = f"/api/v1/spaces/{space.uuid}/bookings"
    out: dict[str, tuple[int, float]] = {}
    clients = [Client(headers={"Authorization": f"Bearer {s}"}) for _u, s in racers]
    for c in clients:  # each token used once: later uses are the rush's steady state
        c.get("/api/v1/bookings/mine")

    def body(start: dt.datetime) -> str:
        return json.dumps(
            {
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
                "purpose": "budget",
                "attendees": 2,
            }
        )

    won_cpu, refused_cpu, won_q, refused_q = [], [], 0, 0
    for i in range(20):
        start = spaces._free_hour(space)  # noqa: SLF001
        winner, loser = clients[2 * i], clients[2 * i + 1]
        with CaptureQueriesContext(connection) as won:
            c0 = time.process_time()
            r = winner.post(url, body(start), content_type="application/json")
            won_cpu.append((time.process_time() - c0) * 1000)
        assert r.status_code == 201, r.content
        with CaptureQueriesContext(connection) as refused:
            c0 = time.process_time()
            r = loser.post(url, body(start), content_type="application/json")
            refused_cpu.append((time.process_time() - c0) * 1000)
        assert r.status_code == 409, r.content
        won_q, refused_q = len(won), len(refused)
    out["won"] = (won_q, statistics.median(won_cpu[2:]))
    out["refused"] = (refused_q, statistics.median(refused_cpu[2:]))
    return out


# --- verdicts ---------------------------------------------------------------------------------


def _verdict(label: str, value: float, target: float, *, at_least: bool, unit: str) -> bool:
    ok = value >= target if at_least else value <= target
    sign = "≥" if at_least else "≤"
    print(
        f"  {label:<44} {value:8.1f} {unit:<7} target {sign} {target:g}  "
        f"ratio {value / target:5.2f}  {'ok' if ok else 'MISSED'}"
    )
    return not ok


def main() -> bool:
    """Returns True when a target was missed or a check failed."""
    import _setup
    import spaces

    _setup.configure()
    n = int(os.environ.get("BENCH_RUSH_N", "1000"))
    seconds = float(os.environ.get("BENCH_READ_SECONDS", "10"))
    workers = int(os.environ.get("BENCH_RUSH_WORKERS", "4"))
    data = spaces.ensure_spaces()
    print(
        f"  street: {data['residents']} residents, {data['spaces']} bookable spaces, "
        f"{data['bookings']} bookings; {os.cpu_count()} cores, {_load()}"
    )
    budgets = post_budgets()
    for kind in ("refused", "won"):
        q, cpu = budgets[kind]
        print(f"  (c) {kind} booking POST through the test client: {q} queries, CPU {cpu:.2f} ms")
    silin = silin_runs(n, workers, seconds)
    floor = floor_runs(n, workers, seconds)
    rush = silin["rush"]
    print("  -- against the targets --")
    failed = not rush.ok  # type: ignore[attr-defined]
    failed |= _verdict(
        "(a) booking rush req/s", rush.rps, TARGETS["rush_rps"], at_least=True, unit="req/s"
    )
    failed |= _verdict(
        "(a) booking rush p95", rush.pct(95), TARGETS["rush_p95_ms"], at_least=False, unit="ms"
    )
    failed |= _verdict(
        "(a) worker CPU per (refused) POST",
        rush.per_request_ms(rush.worker_cpu),
        TARGETS["refused_cpu_ms"],
        at_least=False,
        unit="ms",
    )
    failed |= _verdict(
        "(c) CPU per won POST (test client)",
        budgets["won"][1],
        TARGETS["won_cpu_ms"],
        at_least=False,
        unit="ms",
    )
    failed |= _verdict(
        "(c) queries per refused POST",
        budgets["refused"][0],
        TARGETS["refused_queries"],
        at_least=False,
        unit="queries",
    )
    failed |= _verdict(
        "(c) queries per won POST",
        budgets["won"][0],
        TARGETS["won_queries"],
        at_least=False,
        unit="queries",
    )
    for key in ("space page", "directory", "home page"):
        run = silin[key]
        bad = sum(c for s, c in run.statuses.items() if s != 200)
        if bad:
            print(f"  (b) {key}: {bad} answers other than 200  FAILED")
            failed = True
        failed |= _verdict(
            f"(b) {key} req/s", run.rps, TARGETS["page_rps"], at_least=True, unit="req/s"
        )
        failed |= _verdict(
            f"(b) {key} worker CPU",
            run.per_request_ms(run.worker_cpu),
            TARGETS["page_cpu_ms"],
            at_least=False,
            unit="ms",
        )
        failed |= _verdict(
            f"(b) {key} HTML", run.size / 1024, TARGETS["page_kb"], at_least=False, unit="KB"
        )
    print("  -- against the bare-Django floor (same workers, same client) --")
    print(
        f"  booking rush {rush.rps:.1f} / floor POST {floor['post'].rps:.1f} req/s = "
        f"{rush.rps / floor['post'].rps:.2f} of the floor (target ≈ 1/3, aim 1/2); worker CPU "
        f"{rush.per_request_ms(rush.worker_cpu):.2f} vs "
        f"{floor['post'].per_request_ms(floor['post'].worker_cpu):.2f} ms"
    )
    page = silin["space page"]
    print(
        f"  space page {page.rps:.1f} / floor GET {floor['get'].rps:.1f} req/s = "
        f"{page.rps / floor['get'].rps:.2f} of the floor"
    )
    print(f"  {_load()} at the end")
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(1 if main() else 0)
