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

import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

from _proc import CpuMeter, postmaster_pid
from _rush_common import (
    POOL,
    READERS,
    ROOT,
    Run,
    at_least,
    at_most,
    load_text,
    measured,
    posts,
    reads,
    resident_session,
    silin_env,
    start_gunicorn,
    stop,
    verdicts,
    warm,
)

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


def busiest_space():
    """The busiest space of 刘大爷's community."""
    from django.db.models import Count

    from silin.spaces.models import Space

    return (
        Space.objects.filter(active=True, community__name="三江社区")
        .annotate(n=Count("bookings"))
        .order_by("-n", "pk")
        .first()
    )


def silin_runs(n: int, workers: int, seconds: float) -> dict[str, Run]:
    import spaces

    space = spaces._race_space()  # noqa: SLF001 - the race's room
    racers = spaces._racers(n)  # noqa: SLF001
    start = spaces._free_hour(space)  # noqa: SLF001
    headers, _liu = resident_session()
    busiest = busiest_space()
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
        load = load_text()
        run = Run(f"(a) booking rush, {n} residents, {POOL} at a time, {workers} sync workers")
        url = f"{base}/api/v1/spaces/{space.uuid}/bookings"
        measured(run, meter, posts([(url, *b) for b in rush_bodies(start, racers)], run))
        run.print(load)
        runs["rush"] = run
        for key, path in pages.items():
            load = load_text()
            run = Run(f"(b) {key} {path}, {READERS} clients for {seconds:.0f} s")
            measured(run, meter, reads(base + path, headers, seconds, run))
            run.print(load)
            runs[key] = run
    finally:
        stop(process)
    holding = booked(space, start)
    rush = runs["rush"]
    errors = rush.errors
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
        url = f"{base}/floor/slots/{slot}/claims"
        bodies = [
            (url, json.dumps({"who": f"r{i}", "attendees": 2}).encode(), headers) for i in range(n)
        ]
        load = load_text()
        run = Run(f"(d) floor: bare Django POST, {n} at {POOL} at a time, {workers} sync workers")
        measured(run, meter, posts(bodies, run))
        run.print(load)
        runs["post"] = run
        load = load_text()
        run = Run(f"(d) floor: trivial GET, {READERS} clients for {seconds:.0f} s")
        measured(run, meter, reads(f"{base}/floor/", {}, seconds, run))
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
        f"{data['bookings']} bookings; {os.cpu_count()} cores, {load_text()}"
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
    targets = [
        at_least("(a) booking rush req/s", rush.rps, TARGETS["rush_rps"], "req/s"),
        at_most("(a) booking rush p95", rush.pct(95), TARGETS["rush_p95_ms"], "ms"),
        at_most(
            "(a) worker CPU per (refused) POST", rush.worker_ms, TARGETS["refused_cpu_ms"], "ms"
        ),
        at_most(
            "(c) CPU per won POST (test client)", budgets["won"][1], TARGETS["won_cpu_ms"], "ms"
        ),
        at_most(
            "(c) queries per refused POST",
            budgets["refused"][0],
            TARGETS["refused_queries"],
            "queries",
        ),
        at_most("(c) queries per won POST", budgets["won"][0], TARGETS["won_queries"], "queries"),
    ]
    for key in ("space page", "directory", "home page"):
        run = silin[key]
        bad = sum(c for s, c in run.statuses.items() if s != 200)
        if bad:
            print(f"  (b) {key}: {bad} answers other than 200  FAILED")
            failed = True
        targets += [
            at_least(f"(b) {key} req/s", run.rps, TARGETS["page_rps"], "req/s"),
            at_most(f"(b) {key} worker CPU", run.worker_ms, TARGETS["page_cpu_ms"], "ms"),
            at_most(f"(b) {key} HTML", run.size / 1024, TARGETS["page_kb"], "KB"),
        ]
    failed |= verdicts(targets)
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
    print(f"  {load_text()} at the end")
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(1 if main() else 0)
