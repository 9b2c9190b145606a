"""CPU time from /proc for bench/rush.py: the gunicorn workers' and PostgreSQL's.

Not a benchmark itself (run.py skips modules whose names start with "_").
"""

from __future__ import annotations

import os
from pathlib import Path

CLK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(ppid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == ppid:
                out.append(int(entry.name))
    return out


def _cpu_of(pids: list[int], with_reaped: int | None = None) -> float:
    """Seconds of utime+stime of `pids`; plus cutime+cstime of `with_reaped` (children that
    ended and were waited for)."""
    ticks = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])
    if with_reaped is not None:
        fields = _stat(with_reaped)
        if fields is not None:
            ticks += int(fields[13]) + int(fields[14])
    return ticks / CLK


def postmaster_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_dir = cursor.fetchone()[0]
    try:
        return int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError):
        return None


class CpuMeter:
    """Worker CPU (the children of the gunicorn master, or of each of several masters) and
    PostgreSQL CPU (the postmaster, its children, and what it reaped), before and after a
    measure."""

    def __init__(self, master: int | list[int], postmaster: int | None):
        self.masters = master if isinstance(master, list) else [master]
        self.postmaster = postmaster

    def sample(self) -> tuple[float, float]:
        workers = sum(_cpu_of(_children(m)) for m in self.masters)
        if self.postmaster is None:
            return workers, 0.0
        pg = _cpu_of([self.postmaster, *_children(self.postmaster)], with_reaped=self.postmaster)
        return workers, pg
