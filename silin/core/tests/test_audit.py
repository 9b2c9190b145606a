from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from silin.core import audit
from silin.core.models import AppendOnlyError, AuditEntry


@pytest.fixture
def entries(cast, world):
    """One entry in each community, and one with no place in the tree."""
    sanjiang = audit.record(actor=cast.worker, action="update", obj=world.tuoyuan)
    jinlong = audit.record(actor=cast.other_worker, action="create", obj=world.jindu)
    login = audit.record(actor=cast.liu, action="login", object_type="accounts.user")
    return sanjiang, jinlong, login


def test_audit_entry_cannot_be_updated_or_deleted_through_the_model(entries):
    entry = entries[0]
    entry.detail = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_audit_entries_cannot_be_updated_or_deleted_in_bulk(entries):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(detail="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET detail = 'changed'",
        "DELETE FROM core_auditentry",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes_of_audit_entries(entries, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.filter(detail="changed").count() == 0
    assert AuditEntry.objects.count() == 3
