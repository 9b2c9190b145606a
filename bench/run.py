"""Run every benchmark: each bench/*.py module's main(), in name order (`make bench`).

`python bench/run.py spaces register` runs only the named modules.

Environment:
  BENCH_DB=sqlite       use var/bench.sqlite3 instead of PostgreSQL
  DATABASE_URL=...      PostgreSQL to use (default postgres://postgres@127.0.0.1:5432/silin_bench)
  BENCH_RESIDENTS=N     size of the seeded street (default 200000)
  BENCH_FRESH=1         drop the benchmark database first, so seeding is timed again
  BENCH_REQUESTS=N      requests per measured endpoint (default 200)
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    import _setup

    database = _setup.configure()
    print(f"Silin benchmarks · {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"database: {database}")
    # Figures from a busy machine are not an idle machine's: say how busy it was.
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    failed = 0
    wanted = set(sys.argv[1:])
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_") or path.name == "run.py":
            continue
        if wanted and path.stem not in wanted:
            continue
        module = importlib.import_module(path.stem)
        print(f"\n== {path.stem} ==")
        try:
            failed += 1 if module.main() else 0
        except Exception as exc:  # one broken benchmark must not hide the others
            failed += 1
            print(f"!! {path.stem} failed: {exc!r}")
    print("\nload average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
