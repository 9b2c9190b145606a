"""Where a sign-up POST's time goes, in this process (not a benchmark: run.py skips it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/actbench_bench \
        uv run --frozen python bench/_profile_signup.py [won|waiting] [N]

Through Django's test client (every middleware, the API, the service, the database task
rows as in production), N (300) residents with their own tokens POST a sign-up for one new
event: with places for all of them ("won") or after its one place went ("waiting"). Prints
the CPU per POST in this process and cProfile's heaviest functions (cumulative and own).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    import _setup

    _setup.configure()
    import signup_rush
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from silin.activities.services import events as event_services

    kind = sys.argv[1] if len(sys.argv) > 1 else "won"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    event = signup_rush.rush_event()
    capacity = n + 10 if kind == "won" else 1
    event = event_services.event_set_capacity(
        actor=event.created_by, event=event, capacity=capacity
    )
    crowd = signup_rush.racers(n + 1)
    url = f"/api/v1/activities/events/{event.uuid}/signups"
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        clients = [
            Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})
            for _u, secret in crowd
        ]
        first = clients.pop()
        first.post(url, '{"companions": 0}', content_type="application/json")  # warm, 1 place
        with CaptureQueriesContext(connection) as q:
            r = clients[0].post(url, '{"companions": 0}', content_type="application/json")
        assert r.status_code == 201, r.content
        print(f"  {kind}: {len(q)} queries")
        for query in q.captured_queries:
            print(f"    {query['sql'][:160]}")
        plain = time.process_time()
        half = len(clients) // 2
        for client in clients[1:half]:
            r = client.post(url, '{"companions": 0}', content_type="application/json")
            assert r.status_code == 201, r.content
        plain = (time.process_time() - plain) / (half - 1)
        print(f"  without the profiler: {plain * 1000:.2f} ms CPU per POST")
        clients = clients[half - 1 :]
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        cpu = time.process_time()
        wall = time.perf_counter()
        profiler.enable()
        for client in clients[1:]:
            r = client.post(url, '{"companions": 0}', content_type="application/json")
            assert r.status_code == 201, r.content
        profiler.disable()
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
    if out := os.environ.get("BENCH_PROFILE_OUT"):
        profiler.dump_stats(out)  # for pstats: print_callees("enqueue_all_at") and the like
    count = len(clients) - 1
    print(
        f"  {count} POSTs: {cpu / count * 1000:.2f} ms CPU, {wall / count * 1000:.2f} ms wall each"
    )
    for order, limit in (("cumulative", 60), ("tottime", 40)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(limit)
        print(out.getvalue())


if __name__ == "__main__":
    main()
