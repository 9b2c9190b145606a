"""The database itself refuses to change or remove the time bank's transfers and movements
(SQL in mutualaid/ledger_guard)."""

from django.db import migrations

from silin.mutualaid import ledger_guard


def forwards(apps, schema_editor):
    for sql in ledger_guard.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in ledger_guard.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("mutualaid", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
