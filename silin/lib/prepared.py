"""Querysets compiled once per process and run again with new parameters.

Django builds and compiles a queryset's SQL on every call. On a hot path (the token lookup
of every API request, a sign-up in a rush) building and compiling cost more CPU than the
database spends running the statement: profiled, they were half of a sign-up's Python.

A `Prepared` query is a function from its parameters to a queryset, compiled the first time
it runs on a database: the function is called with two sets of sample values, and the SQL
parameters that differ between them are the arguments' places. Later calls prepare each new
value for the database as the field it is compared with would (`Field.get_db_prep_value`),
put it in those places, run the same SQL and build the rows as Django's own iterables do
(models with their `select_related` parents and annotations, or plain tuples for
`values_list`), converters included.

Only for querysets whose SQL does not depend on the values: no `__in` lists and no
branches on the arguments. Compiling checks it (the two SQL texts must be equal, each
argument must appear, and appear as its field prepares it), so a query that cannot be
prepared fails at once, in the tests, rather than answering wrongly.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import Field, ForeignObject, Model, QuerySet, Value, signals
from django.db.models.expressions import DatabaseDefault
from django.db.models.query import get_related_populators
from django.db.models.sql import InsertQuery
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)


def field(model: type[Model], name: str) -> Field[Any, Any]:
    """`model`'s field `name`, as an argument's field (not a reverse relation)."""
    found = model._meta.get_field(name)
    if not isinstance(found, Field):
        raise ImproperlyConfigured(f"{model.__name__}.{name} is not a field")
    return found


def _samples(field: Field) -> tuple[Any, Any]:
    """Two different values of the field's type, unlike any constant a query may hold."""
    if isinstance(field, ForeignObject):
        field = field.target_field
    kind = field.get_internal_type()
    if kind == "UUIDField":
        return uuid.UUID(int=0x51D1), uuid.UUID(int=0x51D2)
    if kind == "DateTimeField":
        return (
            dt.datetime(2001, 2, 3, 4, 5, 6, 7001, tzinfo=dt.UTC),
            dt.datetime(2002, 3, 4, 5, 6, 7, 8002, tzinfo=dt.UTC),
        )
    if kind == "DateField":
        return dt.date(2001, 2, 3), dt.date(2002, 3, 4)
    if kind in ("CharField", "TextField", "SlugField", "EmailField"):
        return "\x01prepared-sample-a", "\x01prepared-sample-b"
    if "Integer" in kind or kind in ("AutoField", "BigAutoField", "SmallAutoField"):
        return 987_654_321, 987_654_322
    raise ImproperlyConfigured(f"No sample values for a {kind} argument")


def _locks(compiler: Any, connection: Any) -> bool:
    """SELECT ... FOR UPDATE, where the database has it (as Django decides)."""
    return bool(compiler.query.select_for_update and connection.features.has_select_for_update)


@dataclass
class _Compiled:
    alias: str
    sql: str
    params: list[Any]
    places: list[list[int]]  # for each argument, the SQL parameters it fills
    for_update: bool
    converters: list[tuple[int, tuple[list[Callable[..., Any]], Any]]]
    # Models only:
    model: type[Model] | None
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: list[tuple[str, int]]


class Prepared(Generic[M]):
    """`build(*values)` → a queryset, compiled once, run as `objects(*values)`,
    `first(*values)` or `rows(*values)`; `fields` are what each value is compared with."""

    def __init__(self, build: Callable[..., QuerySet[M, Any]], *fields: Field) -> None:
        self.build = build
        self.fields = fields
        self._done: _Compiled | None = None
        self._lock = threading.Lock()

    # --- running -----------------------------------------------------------------------

    def objects(self, *values: Any) -> list[M]:
        compiled, rows = self._run(values)
        if compiled.model is None:
            raise ImproperlyConfigured("A values query: use rows()")
        db = compiled.alias
        out = []
        for row in rows:
            obj = compiled.model.from_db(db, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for attr, pos in compiled.annotations:
                setattr(obj, attr, row[pos])
            out.append(obj)
        return out  # type: ignore[return-value]

    def first(self, *values: Any) -> M | None:
        """The first row as a model, or None (for lookups by a unique key)."""
        found = self.objects(*values)
        return found[0] if found else None

    def rows(self, *values: Any) -> list[Sequence[Any]]:
        """The rows as sequences, in the select's order (values and values_list querysets)."""
        return self._run(values)[1]

    def _run(self, values: Sequence[Any]) -> tuple[_Compiled, list[Sequence[Any]]]:
        if len(values) != len(self.fields):
            raise TypeError(f"{len(self.fields)} values expected, {len(values)} given")
        compiled = self._compiled_for(values)
        connection = connections[compiled.alias]
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        if any(value is None for value in values):
            # The ORM turns `field=None` into IS NULL, another statement: never compared here.
            raise TypeError("A prepared query takes no None values")
        params = list(compiled.params)
        for field, places, value in zip(self.fields, compiled.places, values, strict=True):
            prepared = field.get_db_prep_value(value, connection, prepared=False)
            for place in places:
                params[place] = prepared
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: list[Any] = cursor.fetchall()
        if compiled.converters:
            rows = [self._convert(row, compiled, connection) for row in rows]
        return compiled, rows

    @staticmethod
    def _convert(row: Sequence[Any], compiled: _Compiled, connection: Any) -> list[Any]:
        out = list(row)
        for pos, (converters, expression) in compiled.converters:
            value = out[pos]
            for converter in converters:
                value = converter(value, expression, connection)
            out[pos] = value
        return out

    # --- compiling ---------------------------------------------------------------------

    def _compiled_for(self, values: Sequence[Any]) -> _Compiled:
        compiled = self._done
        if compiled is None:
            with self._lock:
                if self._done is None:
                    # The database the queryset routes to (one per process here).
                    self._done = self._compile(self.build(*values).db)
                compiled = self._done
        return compiled

    def _sql(self, values: Sequence[Any], alias: str) -> tuple[Any, str, tuple[Any, ...]]:
        compiler = self.build(*values).query.get_compiler(using=alias)
        connection = connections[alias]
        if _locks(compiler, connection) and connection.get_autocommit():
            with transaction.atomic(using=alias):  # as_sql refuses FOR UPDATE outside one
                sql, params = compiler.as_sql()
        else:
            sql, params = compiler.as_sql()
        return compiler, sql, tuple(params)

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        pairs = [_samples(f) for f in self.fields]
        base = [a for a, _b in pairs]
        compiler, sql, params = self._sql(base, alias)
        places: list[list[int]] = []
        for i, (field, (a, b)) in enumerate(zip(self.fields, pairs, strict=True)):
            other = list(base)
            other[i] = b
            _c, sql_b, params_b = self._sql(other, alias)
            if sql_b != sql or len(params_b) != len(params):
                raise ImproperlyConfigured("The query's SQL depends on its values")
            differ = [p for p, (x, y) in enumerate(zip(params, params_b, strict=True)) if x != y]
            want_a = field.get_db_prep_value(a, connection, prepared=False)
            want_b = field.get_db_prep_value(b, connection, prepared=False)
            if not differ or any(params[p] != want_a or params_b[p] != want_b for p in differ):
                raise ImproperlyConfigured(f"Argument {i} is not compared with its field as given")
            places.append(differ)
        select = compiler.select
        fields = [s[0] for s in select[0 : compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        klass_info = compiler.klass_info
        model = start = end = None
        init_list: list[str] = []
        populators: list[Any] = []
        if klass_info is not None and not compiler.query.values_select:
            model = klass_info["model"]
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            init_list = [f[0].target.attname for f in select[start:end]]
            populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
        return _Compiled(
            alias=alias,
            sql=sql,
            params=list(params),
            places=places,
            for_update=_locks(compiler, connection),
            converters=converters,
            model=model,
            start=start or 0,
            end=end or 0,
            init_list=init_list,
            populators=populators,
            annotations=list(compiler.annotation_col_map.items()) if model else [],
        )


# --- inserts -------------------------------------------------------------------------------

_INSERTS: dict[tuple[type[Model], str, int, bool], str] = {}  # (model, db, rows, returning)


def insert(objs: Sequence[Model], *, bulk: bool = False) -> None:
    """Write new rows of one model as `save()` (or, with `bulk`, `bulk_create`) would:
    auto-set fields filled in, database defaults taken, the primary key read back; with the
    INSERT's SQL compiled once for each row count, in the caller's transaction.

    A model with `pre_save`/`post_save` listeners (which `bulk_create` does not call) or a
    value that is an expression is written the ORM's own way. The model's own `save()` is
    not called: use it for models whose `save()` only guards updates, as the audit log's.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    pk_set = objs[0].pk is not None
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and (pk_set or f is not meta.auto_field)
    ]
    listened = not bulk and (
        signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)
    )
    plain = not (
        listened or any(type(o) is not model or (o.pk is not None) != pk_set for o in objs)
    )
    values = _insert_values(objs, fields, connection) if plain else None
    returning = not pk_set and meta.auto_field is not None
    key = (model, alias, len(objs), returning)
    compiled = _INSERTS.get(key)
    if values is not None and compiled is None:
        compiled = _compile_insert(model, alias, fields, objs, returning)
        if compiled is not None:
            _INSERTS[key] = compiled
    if values is None or compiled is None:
        _insert_the_orm_way(objs, model, bulk)
        return
    with connection.cursor() as cursor:
        cursor.execute(compiled, values)
        if returning:
            for obj, row in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = row[0]
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def _insert_values(objs: Sequence[Model], fields: list[Field], connection: Any) -> list[Any] | None:
    """The INSERT's parameters, row after row (None: one the ORM must write itself)."""
    values: list[Any] = []
    for obj in objs:
        for field in fields:
            value = field.pre_save(obj, add=True)  # auto_now_add and the like set on obj
            if isinstance(value, DatabaseDefault):
                default = field.db_default  # a constant, or a Value of one
                if isinstance(default, Value):
                    default = default.value
                if hasattr(default, "resolve_expression"):
                    return None  # computed by the database: the ORM reads it back
                value = default  # what the database would have written
                setattr(obj, field.attname, value)
            if hasattr(value, "resolve_expression"):
                return None
            values.append(field.get_db_prep_save(value, connection))
    return values


def _compile_insert(
    model: type[Model], alias: str, fields: list[Field], objs: Sequence[Model], returning: bool
) -> str | None:
    """The INSERT of `len(objs)` rows: Django's one-row statement with its VALUES group
    repeated (as Django writes a bulk insert; PostgreSQL's UNNEST form, meant for large
    batches, costs more to adapt than a few rows take to plan). None where the statement
    is not one plain placeholder per value: then the ORM writes the rows."""
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert and returning and len(objs) > 1:
        return None
    query = InsertQuery(model)
    query.insert_values(fields, list(objs[:1]), raw=True)  # the values pre_save set
    compiler = query.get_compiler(using=alias)
    if returning:
        compiler.returning_fields = [model._meta.auto_field]
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    sql, params = statements[0]
    group = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head, values, tail = sql.partition(" VALUES " + group)
    if not values or len(params) != len(fields) or sql.count("%s") != len(fields):
        return None
    return head + " VALUES " + ", ".join([group] * len(objs)) + tail


def _insert_the_orm_way(objs: Sequence[Model], model: type[Model], bulk: bool) -> None:
    if len(objs) == 1 and not bulk:
        objs[0].save(force_insert=True)
    else:
        model._default_manager.bulk_create(objs)
