"""The database's own guard on the time bank's books: transfers and movements are never
changed or removed (triggers, installed by mutualaid migration 0002)."""

from __future__ import annotations

TABLES = ("mutualaid_transfer", "mutualaid_movement")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION silin_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the time bank''s books are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [_PG_FUNCTION] + [
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION silin_ledger_append_only();"
            for t in TABLES
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t} "
            "BEGIN SELECT RAISE(ABORT, 'the time bank''s books are append-only'); END;"
            for t in TABLES
            for op in ("UPDATE", "DELETE")
        ]
    return []


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in TABLES] + [
            "DROP FUNCTION IF EXISTS silin_ledger_append_only();"
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {t}_no_{op.lower()};"
            for t in TABLES
            for op in ("UPDATE", "DELETE")
        ]
    return []
