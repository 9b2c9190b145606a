"""Notices store a kind and plain params and are rendered when read.

The sentences stored so far (composed in the recipient's language when each notice was
sent) cannot be turned back into params, so those rows keep them, renamed `legacy_*`, and
are shown as they are; new rows leave them empty. Notices are deleted after
SILIN_NOTIFICATION_RETENTION_DAYS, so once no row has a legacy title any more a later
migration can drop the three columns.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("notification", "title", "legacy_title"),
        migrations.RenameField("notification", "body", "legacy_body"),
        migrations.RenameField("notification", "url", "legacy_url"),
        migrations.AlterField(
            model_name="notification",
            name="legacy_title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (old notices)"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="legacy_body",
            field=models.TextField(blank=True, verbose_name="message (old notices)"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="legacy_url",
            field=models.CharField(blank=True, max_length=500, verbose_name="link (old notices)"),
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
    ]
