"""What the rush benchmarks share (bench/rush.py, bench/signup_rush.py): gunicorn servers
started here, one async httpx client with a bounded pool, the measured run with the CPU of
the workers and of PostgreSQL, the verdicts against the targets.

Not a benchmark itself (run.py skips modules whose names start with "_").
"""

from __future__ import annotations

import asyncio
import collections
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from _proc import CpuMeter

ROOT = Path(__file__).resolve().parent.parent
LOG_PATH = ROOT / "var" / "bench_rush_servers.log"
POOL = 50
READERS = 20


def load_text() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# --- servers ------------------------------------------------------------------------------


def _free_port() -> int:
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
    try:
        spaces._wait_until_up(process, port)  # noqa: SLF001 - the same wait as the race
    except RuntimeError:
        stop(process)
        raise
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

    @property
    def errors(self) -> int:
        """5xx answers and requests that got no answer."""
        return sum(c for s, c in self.statuses.items() if s >= 500 or s == 0)

    def pct(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def per_request_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.n if self.n else 0.0

    @property
    def worker_ms(self) -> float:
        return self.per_request_ms(self.worker_cpu)

    def print(self, load: str) -> None:
        statuses = ", ".join(f"{s or 'no answer'}: {c}" for s, c in sorted(self.statuses.items()))
        print(
            f"  {self.label}: {self.n} requests in {self.seconds:.2f} s = {self.rps:.1f} req/s; "
            f"p50 {self.pct(50):.0f} ms, p95 {self.pct(95):.0f} ms, p99 {self.pct(99):.0f} ms"
        )
        print(
            f"      statuses {statuses}; worker CPU {self.worker_ms:.2f} "
            f"ms/request, PostgreSQL {self.per_request_ms(self.pg_cpu):.2f}, client "
            f"{self.per_request_ms(self.client_cpu):.2f}"
            + (f"; {self.size / 1024:.1f} KB" if self.size else "")
            + f"  ({load} at the start)"
        )


# Called with (index of the request, the response or None, when it came: perf_counter).
OnAnswer = Callable[[int, object, float], None]


async def posts(requests: Sequence[tuple[str, bytes, dict]], run: Run, on_answer=None) -> None:
    """POST each (url, body, headers), at most POOL at a time (the urls may name several
    servers: the pool is the client's, shared by all)."""
    import httpx

    limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    timeout = httpx.Timeout(120.0, pool=None)
    # At most POOL requests are handed to the client at once: httpx's pool slows down
    # badly with hundreds of requests queued inside it (each one waiting is looked at for
    # every connection released), which measured the client, not the server. A request's
    # latency runs from when it is sent, as a crowd of POOL clients sees it.
    gate = asyncio.Semaphore(POOL)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        async def one(index: int, url: str, body: bytes, headers: dict) -> None:
            async with gate:
                started = time.perf_counter()
                response = None
                try:
                    response = await client.post(url, content=body, headers=headers)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                done = time.perf_counter()
                run.latencies.append((done - started) * 1000)
                run.statuses[status] += 1
                if on_answer is not None:
                    on_answer(index, response, done)

        await asyncio.gather(*(one(i, *r) for i, r in enumerate(requests)))


async def reads(url: str, headers: dict, seconds: float, run: Run, readers: int = READERS) -> None:
    """`readers` clients GET `url` one after another for `seconds`."""
    import httpx

    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
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

        await asyncio.gather(*(reader() for _i in range(readers)))


def measured(run: Run, meter: CpuMeter, coroutine) -> Run:
    w0, p0 = meter.sample()
    c0 = time.process_time()
    started = time.perf_counter()
    run.started = started  # type: ignore[attr-defined]
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


def resident_session() -> tuple[dict, object]:
    """刘大爷's session headers (database sessions: every worker reads them) and his user."""
    from django.test import Client

    from silin.accounts.models import User
    from silin.core.roles import Role
    from silin.demo.cast import DEMO_LOGINS

    mobile = next(d.mobile for d in DEMO_LOGINS if d.role == Role.RESIDENT)
    liu = User.objects.get(mobile=mobile)
    client = Client()
    client.force_login(liu)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return {"Cookie": cookie, "Accept-Language": "zh-hans"}, liu


# --- verdicts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    value: float
    target: float
    at_least: bool
    unit: str


def at_least(label: str, value: float, target: float, unit: str) -> Target:
    return Target(label, value, target, True, unit)


def at_most(label: str, value: float, target: float, unit: str) -> Target:
    return Target(label, value, target, False, unit)


def verdicts(targets: Sequence[Target]) -> bool:
    """Print each figure with its ratio to the target; True when one was missed."""
    missed = False
    for t in targets:
        ok = t.value >= t.target if t.at_least else t.value <= t.target
        sign = "≥" if t.at_least else "≤"
        ratio = t.value / t.target if t.target else 0.0
        print(
            f"  {t.label:<44} {t.value:8.1f} {t.unit:<7} target {sign} {t.target:g}  "
            f"ratio {ratio:5.2f}  {'ok' if ok else 'MISSED'}"
        )
        missed |= not ok
    return missed
