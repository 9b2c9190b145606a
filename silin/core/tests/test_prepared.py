"""Querysets compiled once and run with new values (`silin.lib.prepared`) answer as the ORM."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from silin.core import audit
from silin.core.models import AuditEntry
from silin.lib.prepared import Prepared

pytestmark = pytest.mark.django_db

UUID = AuditEntry._meta.get_field("object_uuid")
AT = AuditEntry._meta.get_field("created_at")
ACTION = AuditEntry._meta.get_field("action")


@pytest.fixture
def entries(cast, world):
    return [
        audit.record(actor=cast.worker, action="update", obj=world.tuoyuan),
        audit.record(actor=cast.other_worker, action="create", obj=world.jindu),
        audit.record(actor=cast.liu, action="login", object_type="accounts.user"),
    ]


def by_uuid(value):
    return (
        AuditEntry.objects.select_related("actor")
        .filter(uuid=value)
        .annotate(
            later=Exists(AuditEntry.objects.filter(pk__gt=OuterRef("pk"))),
        )
        .order_by()
    )


def test_a_model_lookup_answers_as_the_orm_with_parents_and_annotations(entries):
    query = Prepared(by_uuid, AuditEntry._meta.get_field("uuid"))
    for entry in entries:
        found = query.first(entry.uuid)
        expected = by_uuid(entry.uuid).get()
        assert found is not None
        assert found.pk == expected.pk
        assert found.created_at == expected.created_at  # converted on SQLite too
        assert found.created_at.tzinfo is not None
        assert found.later == expected.later
        assert found.actor.name == expected.actor.name  # the parent, read with it
        assert found._state.adding is False
        assert found._state.db == expected._state.db
    assert query.first(uuid.uuid4()) is None


def test_it_runs_one_query_and_compiles_once(entries):
    query = Prepared(by_uuid, AuditEntry._meta.get_field("uuid"))
    query.first(entries[0].uuid)
    with CaptureQueriesContext(connection) as queries:
        assert query.first(entries[1].uuid).pk == entries[1].pk
    assert len(queries) == 1


def test_values_rows_with_several_arguments_and_a_datetime(entries, cast):
    def counts(since, actor_id):
        return (
            AuditEntry.objects.filter(created_at__gte=since)
            .values("action")
            .annotate(n=Count("id"), mine=Count("id", filter=Q(actor_id=actor_id)))
            .order_by("action")
        )

    query = Prepared(counts, AT, AuditEntry._meta.get_field("actor"))
    since = min(e.created_at for e in entries) - dt.timedelta(seconds=1)
    for actor in (cast.worker, cast.liu):
        expected = [tuple(row.values()) for row in counts(since, actor.pk)]
        assert [tuple(row) for row in query.rows(since, actor.pk)] == expected
    assert query.rows(since + dt.timedelta(days=1), cast.worker.pk) == []


def test_a_query_whose_sql_depends_on_its_values_is_refused():
    def branching(action):
        qs = AuditEntry.objects.all()
        return qs.filter(action=action) if action.endswith("a") else qs.exclude(action=action)

    with pytest.raises(ImproperlyConfigured):
        Prepared(branching, ACTION).rows("x")


def test_an_argument_not_compared_as_its_field_says_is_refused():
    # The value is compared with `action` but declared as a timestamp: refused at once.
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda v: AuditEntry.objects.filter(action=str(v)), AT).rows(
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        )


def test_wrong_number_of_values_or_none_is_refused():
    query = Prepared(by_uuid, AuditEntry._meta.get_field("uuid"))
    with pytest.raises(TypeError):
        query.first()
    with pytest.raises(TypeError):  # the ORM would write IS NULL, another statement
        query.first(None)


@pytest.mark.django_db(transaction=True)  # out of the test's own transaction
def test_a_locking_query_needs_a_transaction_where_the_database_locks_rows():
    kind = ContentType.objects.get_for_model(AuditEntry)  # not audited: the test flushes
    query = Prepared(
        lambda pk: ContentType.objects.select_for_update().filter(pk=pk), ContentType._meta.pk
    )
    with transaction.atomic():
        assert query.first(kind.pk) == kind
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            query.first(kind.pk)
    else:
        assert query.first(kind.pk) == kind


def test_insert_writes_what_the_orm_writes_and_reads_back_the_key(cast, world):
    from silin.lib.prepared import insert

    entries = [
        AuditEntry(
            actor_id=cast.worker.pk, actor_label="w", action="update", changes={"a": [1, 2]}
        ),
        AuditEntry(actor_id=cast.liu.pk, actor_label="l", action="login", detail="两个"),
    ]
    for count in (1, 2, 2):  # one row, then two (compiled), then two again (reused)
        batch = [
            AuditEntry(
                actor_id=e.actor_id, actor_label=e.actor_label, action=e.action,
                changes=e.changes, detail=e.detail,
            )
            for e in entries[:count]
        ]  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            insert(batch)
        assert len(queries) == 1
        for made in batch:
            assert made.pk is not None and made._state.adding is False
            stored = AuditEntry.objects.get(pk=made.pk)
            assert (stored.uuid, stored.action, stored.changes, stored.detail) == (
                made.uuid, made.action, made.changes, made.detail,
            )  # fmt: skip
            assert stored.created_at == made.created_at  # set by pre_save, as save() does
    insert([])  # nothing to write


def test_insert_takes_the_orm_way_for_models_with_save_listeners(cast):
    from django.db.models.signals import post_save

    from silin.lib.prepared import insert

    seen = []

    def heard(sender, instance, created, **kwargs):
        seen.append((instance.action, created))

    post_save.connect(heard, sender=AuditEntry)
    try:
        entry = AuditEntry(actor_id=cast.worker.pk, actor_label="w", action="create")
        insert([entry])
    finally:
        post_save.disconnect(heard, sender=AuditEntry)
    assert seen == [("create", True)]
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
