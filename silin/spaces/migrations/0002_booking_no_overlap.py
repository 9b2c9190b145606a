"""PostgreSQL only: confirmed bookings of one space never overlap (exclusion constraint).

SQLite has no exclusion constraints; there the single writer (transaction_mode IMMEDIATE)
serialises `services.booking_create`'s check-then-insert instead. The constraint is kept out
of `Booking.Meta` so that Django never tries to create it on SQLite.
"""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on any database but PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]

    operations = [
        PostgreSQLOnly(
            sql="CREATE EXTENSION IF NOT EXISTS btree_gist",
            reverse_sql=migrations.RunSQL.noop,
        ),
        PostgreSQLOnly(
            sql=(
                "ALTER TABLE spaces_booking ADD CONSTRAINT booking_no_overlap "
                "EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
                "WHERE (status IN ('approved', 'checked_in'))"
            ),
            reverse_sql="ALTER TABLE spaces_booking DROP CONSTRAINT booking_no_overlap",
        ),
    ]
