"""The database's own guard on the audit log: triggers that refuse UPDATE and DELETE.

Installed by core migration 0002; lifted only by `purge_before`, the one way an audit entry
ever leaves (the retention period), for that one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION silin_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION silin_audit_append_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS silin_audit_append_only();
"""
SQLITE_CREATE = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
]


def create_statements(vendor: str) -> list[str]:
    return {"postgresql": [POSTGRES_CREATE], "sqlite": SQLITE_CREATE}.get(vendor, [])


def drop_statements(vendor: str) -> list[str]:
    return {"postgresql": [POSTGRES_DROP], "sqlite": SQLITE_DROP}.get(vendor, [])


def purge_before(cutoff: dt.datetime) -> int:
    """Deletes entries older than `cutoff` and returns how many.

    Drop the trigger, delete, put the trigger back, commit: DDL is transactional on
    PostgreSQL and SQLite, so no other connection ever sees the table unguarded; on
    PostgreSQL DROP TRIGGER also locks the table until commit.
    """
    vendor = connection.vendor
    table = connection.ops.quote_name("core_auditentry")
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in drop_statements(vendor):
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {table} WHERE created_at < %s", [cutoff])  # noqa: S608
        count = cursor.rowcount
        for sql in create_statements(vendor):
            cursor.execute(sql)
    return count
