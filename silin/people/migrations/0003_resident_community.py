"""Repeat each resident's community on the resident row, for scoping and name search."""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    Resident = apps.get_model("people", "Resident")
    Household = apps.get_model("places", "Household")
    community_of = dict(Household.objects.values_list("id", "community_id"))
    batch = []
    for resident in Resident.objects.only("id", "household_id").iterator(chunk_size=5000):
        resident.community_id = community_of[resident.household_id]
        batch.append(resident)
        if len(batch) >= 5000:
            Resident.objects.bulk_update(batch, ["community"])
            batch = []
    if batch:
        Resident.objects.bulk_update(batch, ["community"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_default_tags"),
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="resident",
            name="community",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="residents",
                to="places.community",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="resident",
            name="community",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="residents",
                to="places.community",
            ),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(
                fields=["community", "name", "household"],
                name="resident_community_name",
                opclasses=["", "varchar_pattern_ops", ""],
            ),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(fields=["community", "birth_date"], name="resident_community_birth"),
        ),
    ]
