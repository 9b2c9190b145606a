"""Where a page's time goes, in this process (not a benchmark: run.py skips it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/actbench_bench \\
        uv run --frozen python bench/_profile_page.py /activities/ [N]

Reads the page N (200) times as 刘大爷 through Django's test client (every middleware) and
prints the CPU per read in this process and cProfile's heaviest functions; the event page
is `event` (the last published event of the bench's rushes).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    import _setup

    _setup.configure()
    from _rush_common import resident_session
    from django.test import Client

    from silin.activities.models import Event

    path = sys.argv[1] if len(sys.argv) > 1 else "/activities/"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    if path == "event":
        event = Event.objects.filter(title__startswith="抢报名").order_by("-pk").first()
        path = f"/activities/events/{event.uuid}/"
    _headers, liu = resident_session()
    client = Client()
    client.force_login(liu)
    for _i in range(5):
        assert client.get(path).status_code == 200
    cpu = time.process_time()
    for _i in range(n):
        client.get(path)
    cpu = (time.process_time() - cpu) / n
    print(f"  {path}: {cpu * 1000:.2f} ms CPU per read")
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _i in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(70)
    print(out.getvalue())


if __name__ == "__main__":
    main()
