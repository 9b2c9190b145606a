"""Importing and exporting the register at street scale.

Measures, as the community worker of 三江社区 in the seeded demo street:
  - generating a valid BENCH_IMPORT_ROWS-row register workbook (default 200,000 new
    residents in new buildings of 沱源; reused from var/ when it already exists);
  - its import: the check pass (the dry run, optional) and the writing pass, which reads
    and checks every row again and writes all or nothing (alone it is a whole import, as
    with "write at once"); target: the writing pass under 120 s, and the two together are
    reported against the same target;
  - the export of 三江社区 (the imported rows and the seeded ones), unmasked, as .xlsx and
    as CSV;
  - peak memory of the child process that does the import: its peak resident set size
    (VmHWM in /proc/self/status, see peak_rss_kib), for the full file and for a file a
    tenth of its size; flat memory means the two peaks are close.
The import runs inside a transaction rolled back at the end (the writes are all done and
measured, the commit is not), so the benchmark database keeps only the seeded street and
later runs and the register benchmark see the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

IMPORT_TARGET_S = 120.0
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AREA = "510199"  # not the demo's 金堂县 510121, so the new ID numbers are new
PER_BUILDING = 3 * 18 * 4 * 3  # units × floors × doors × people


def _row(i: int) -> list:
    from silin.lib import idnumbers

    birth = dt.date(1940, 1, 1) + dt.timedelta(days=i % 29_000)
    sex = "M" if i % 2 else "F"
    building, rest = divmod(i, PER_BUILDING)
    unit, rest = divmod(rest, 18 * 4 * 3)
    floor, rest = divmod(rest, 4 * 3)
    door, person = divmod(rest, 3)
    return [
        None,
        "三江社区",
        "沱源",
        f"导{building + 1}",
        str(unit + 1),
        floor + 1,
        f"{floor + 1}{door + 1:02d}",
        f"导入居民{i}",
        "男" if sex == "M" else "女",
        birth,
        idnumbers.build(AREA, birth, 2 * (i // 29_000) + (i % 2), sex),
        f"15{i:09d}",
        ("户主", "配偶", "子女")[person],
        "在住",
        "高龄" if birth.year < 1946 else "",
        "",
    ]


def generate(path: Path, rows: int) -> float:
    import openpyxl

    from silin.workbooks.columns import COLUMNS

    started = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("登记表")
    sheet.append([c.header for c in COLUMNS])
    for i in range(rows):
        sheet.append(_row(i))
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.rename(path)
    return time.perf_counter() - started


def child(path: str) -> None:
    """Runs in its own process: import (check + apply) then export; prints JSON figures."""
    sys.path.insert(0, str(HERE))
    import _setup

    _setup.configure()
    from django.core.files import File
    from django.db import transaction

    from silin.accounts.models import User
    from silin.demo import cast as demo
    from silin.workbooks import selectors, services
    from silin.workbooks.models import ImportJob

    worker = User.objects.get(mobile=demo.DEMO_LOGINS[1].mobile)
    baseline = peak_rss_kib()
    out: dict = {"baseline_kib": baseline}
    with transaction.atomic():
        with open(path, "rb") as handle:
            job = services.import_upload(actor=worker, upload=File(handle, name="bench.xlsx"))
        started, cpu, server = time.perf_counter(), time.process_time(), _setup.server_cpu_seconds()
        services.import_check(job_id=job.pk)
        out["check_s"] = time.perf_counter() - started
        out["check_cpu_s"] = time.process_time() - cpu
        out["check_server_s"] = _setup.server_cpu_seconds() - server
        job.refresh_from_db()
        out["checked"] = [job.state, job.rows_checked, job.to_create, job.error_count]
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.APPLYING)
        started, cpu, server = time.perf_counter(), time.process_time(), _setup.server_cpu_seconds()
        services.import_apply(job_id=job.pk, actor=worker)
        out["apply_s"] = time.perf_counter() - started
        out["apply_cpu_s"] = time.process_time() - cpu
        out["apply_server_s"] = _setup.server_cpu_seconds() - server
        job.refresh_from_db()
        out["applied"] = [job.state, job.rows_written, job.households_to_create]
        out["import_peak_kib"] = peak_rss_kib()
        node = selectors.export_node_get(actor=worker, value=f"community:{worker_community()}")
        for fmt in ("xlsx", "csv"):
            started, cpu = time.perf_counter(), time.process_time()
            target, count, revealed = services.register_export(
                actor=worker,
                node=node,
                keys=["record", "id_number", "mobile", "relation", "status", "tags", "note"],
                fmt=fmt,
                reveal=True,
            )
            out[f"export_{fmt}_s"] = time.perf_counter() - started
            out[f"export_{fmt}_cpu_s"] = time.process_time() - cpu
            out[f"export_{fmt}_rows"] = count
            out[f"export_{fmt}_mib"] = target.seek(0, 2) / 2**20
            out["revealed"] = revealed
            target.close()
        job.file.delete(save=False)
        if job.error_file:
            job.error_file.delete(save=False)
        transaction.set_rollback(True)
    out["peak_kib"] = peak_rss_kib()
    print("RESULT " + json.dumps(out))


def peak_rss_kib() -> int:
    """This process's peak resident set size (VmHWM from /proc/self/status).

    Not getrusage's ru_maxrss: on Linux it survives fork and exec, so a child started by a
    parent that has just seeded 200,000 residents would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker_community() -> str:
    from silin.places.models import Community

    return str(Community.objects.get(name="三江社区").uuid)


def _run_child(path: Path) -> dict:
    # The child must reuse the seeded database: with BENCH_FRESH it would drop it again
    # (and cut the parent's connection) before importing.
    env = {k: v for k, v in os.environ.items() if k != "BENCH_FRESH"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"the import child failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def main() -> bool:
    """Returns True when something failed."""
    import _setup

    _setup.configure()
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "200000"))
    seeding = _setup.ensure_seeded(int(os.environ.get("BENCH_RESIDENTS", "200000")))
    print(f"  register before the import: {seeding['residents']} residents")
    failed = False
    results = {}
    for n in (rows // 10, rows):
        path = ROOT / "var" / f"bench_import_{n}.xlsx"
        if not path.exists():
            seconds = generate(path, n)
            print(f"  generated {path.name}: {n:,} rows in {seconds:.1f} s")
        mib = path.stat().st_size / 2**20
        r = _run_child(path)
        results[n] = r
        write, both = r["apply_s"], r["check_s"] + r["apply_s"]
        write_cpu = r.get("apply_cpu_s", 0.0) + r.get("apply_server_s", 0.0)
        done = r["applied"][0] == "done" and r["applied"][1] == n
        ok = done and write <= IMPORT_TARGET_S
        failed |= not done or (not ok and n == rows)
        print(
            f"  import {n:>7,} rows ({mib:.1f} MiB): writing pass {write:.1f} s wall, CPU "
            f"{r.get('apply_cpu_s', 0):.1f} s Python + {r.get('apply_server_s', 0):.1f} s "
            f"database server; target {IMPORT_TARGET_S:.0f} s, wall/target "
            f"{write / IMPORT_TARGET_S:.2f}, CPU/target {write_cpu / IMPORT_TARGET_S:.2f}  "
            f"{'ok' if ok else 'OVER TARGET' if done else 'FAILED'}"
        )
        print(
            f"    the writing pass reads and checks every row again and writes all or "
            f"nothing; with the dry run first (check pass {r['check_s']:.1f} s wall, CPU "
            f"{r.get('check_cpu_s', 0):.1f} s + {r.get('check_server_s', 0):.1f} s): "
            f"{both:.1f} s, wall/target {both / IMPORT_TARGET_S:.2f}"
        )
        print(
            f"    written {r['applied'][1]:,} residents and {r['applied'][2]:,} households; "
            f"peak RSS of the importing process {r['import_peak_kib'] / 1024:.0f} MiB (after "
            f"start-up {r['baseline_kib'] / 1024:.0f} MiB; after the exports "
            f"{r['peak_kib'] / 1024:.0f} MiB)"
        )
        for fmt in ("xlsx", "csv"):
            print(
                f"    export 三江社区 unmasked .{fmt}: {r[f'export_{fmt}_rows']:,} rows in "
                f"{r[f'export_{fmt}_s']:.1f} s wall, CPU {r.get(f'export_{fmt}_cpu_s', 0):.1f} s "
                f"({r[f'export_{fmt}_mib']:.1f} MiB)"
            )
    small, full = results[rows // 10], results[rows]
    growth = full["import_peak_kib"] / small["import_peak_kib"]
    print(
        f"  memory: peak with {rows:,} rows / peak with {rows // 10:,} rows = {growth:.2f} "
        "(1.00 is perfectly flat)"
    )
    return failed


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        sys.path.insert(0, str(HERE))
        sys.exit(1 if main() else 0)
