"""The database itself refuses to change or remove audit entries (SQL in core/audit_guard)."""

from django.db import migrations

from silin.core import audit_guard


def forwards(apps, schema_editor):
    for sql in audit_guard.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in audit_guard.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
