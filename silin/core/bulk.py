"""Bulk writing of plain rows, for loads far beyond what the ORM's saves are made for.

Used by the demo street's seeder and by the register import's writing pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Field, Model

BATCH = 5000


class RowWriter:
    """Inserts plain rows: COPY on PostgreSQL, executemany on SQLite.

    Primary keys are handed out before the insert so that dependent rows can be built
    without reading anything back: from the table's sequence on PostgreSQL, and counting up
    from MAX(id) on SQLite, where the IMMEDIATE transaction makes this the only writer.
    """

    def __init__(self, counts: dict[str, int] | None = None) -> None:
        self.connection = connections["default"]
        self.postgres = self.connection.vendor == "postgresql"
        self.counts = counts if counts is not None else {}
        self._next: dict[str, int] = {}

    def reserve(self, model: type[Model], n: int) -> list[int]:
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, n],
                )
                return [row[0] for row in cursor.fetchall()]
            if table not in self._next:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608
                self._next[table] = cursor.fetchone()[0]
        first = self._next[table]
        self._next[table] = first + n
        return list(range(first, first + n))

    def insert(self, model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                rows = self._adapt(model, columns, rows)
                marks = ", ".join(["%s"] * len(columns))
                sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
                for start in range(0, len(rows), BATCH):
                    cursor.executemany(sql, rows[start : start + BATCH])
        key = model._meta.label_lower
        self.counts[key] = self.counts.get(key, 0) + len(rows)

    def _adapt(
        self, model: type[Model], columns: tuple[str, ...], rows: list[tuple]
    ) -> list[tuple]:
        """Turn values the SQLite driver cannot bind into what Django would store."""
        fields = {f.attname: f for f in model._meta.concrete_fields}
        convert = [(i, self._converter(fields[c])) for i, c in enumerate(columns) if c in fields]
        convert = [(i, f) for i, f in convert if f is not None]
        if not convert:
            return rows
        out: list[tuple] = []
        for row in rows:
            values = list(row)
            for i, convert_value in convert:
                if values[i] is not None and convert_value is not None:
                    values[i] = convert_value(values[i])
            out.append(tuple(values))
        return out

    def _converter(self, field: Field) -> Callable[[Any], Any] | None:
        kind = field.get_internal_type()
        if kind == "DateField":
            return dt.date.isoformat
        if kind == "DateTimeField":
            # Rows share a handful of timestamps: convert each once.
            cache: dict[Any, Any] = {}

            def convert(value: Any) -> Any:
                if value not in cache:
                    cache[value] = field.get_db_prep_save(value, self.connection)
                return cache[value]

            return convert
        if kind == "UUIDField":
            return lambda value: value if isinstance(value, str) else value.hex
        return None
