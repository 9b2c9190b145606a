"""Shared set-up of the benchmarks: environment, database and the seeded street.

Not a benchmark itself (run.py skips modules whose names start with "_").
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/silin_bench"
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
# Fixed keys, for this benchmark database only: a reused database must stay readable.
BENCH_ENV = {
    "SILIN_SECRET_KEY": "silin-bench-secret-key-not-for-production-0123456789abcdef",
    "SILIN_FIELD_KEYS": "c2lsaW4tYmVuY2gtZmllbGQta2V5LTMyLWJ5dGVzMDA=",
    "SILIN_HASH_KEY": "silin-bench-lookup-hash-key",
    "SILIN_SECURE_COOKIES": "false",
    "SILIN_TASK_BACKEND": "immediate",
}

_configured = False


def configure() -> str:
    """Set the environment and start Django; returns a label of the database in use."""
    global _configured
    if _configured:
        return database_label()
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if os.environ.get("BENCH_DB", "postgres").lower() == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        # BENCH_SQLITE_PATH (like DATABASE_URL for PostgreSQL) lets runs keep apart.
        path = Path(os.environ.get("BENCH_SQLITE_PATH", SQLITE_PATH))
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["SILIN_SQLITE_PATH"] = str(path)
    else:
        os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
        _create_postgres_database(os.environ["DATABASE_URL"])
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _configured = True
    return database_label()


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"


def _create_postgres_database(url: str) -> None:
    """CREATE DATABASE if it is missing (connecting to the server's `postgres` database)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if os.environ.get("BENCH_FRESH") and exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_seeded(residents: int) -> dict:
    """Migrate and seed the demo street once; a later run reuses it and says so."""
    from django.core.management import call_command

    from silin.demo import seeding as demo

    if os.environ.get("BENCH_FRESH") and SQLITE_PATH.exists() and "DATABASE_URL" not in os.environ:
        from django.db import connection

        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    server_before = server_cpu_seconds()
    started = time.perf_counter()
    result = demo.seed_demo(residents=residents, log=print)
    server_cpu = server_cpu_seconds() - server_before
    if not result.created:
        from silin.people.models import Resident

        return {"seeded": False, "residents": Resident.objects.count()}
    return {
        "seeded": True,
        "residents": result.counts.get("people.resident", 0),
        "seconds": result.seconds,
        "cpu_seconds": result.cpu_seconds,
        "wall_with_checks": time.perf_counter() - started,
        "server_cpu_seconds": server_cpu,
    }


def server_cpu_seconds() -> float:
    """CPU time used so far by this connection's PostgreSQL backend process (0 on SQLite).

    Read from /proc, so it works when the server runs on this machine. With the seeding
    process's own CPU time it tells how long the load would take on an idle machine, which
    a busy one's wall-clock time does not.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
