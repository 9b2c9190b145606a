"""System decisions as codes: the reasons Silin itself wrote as sentences become codes.

Before this, a released no-show and a request rejected because another was approved
stored the sentence in the writer's language, and a series stored each skipped date's
message. Those sentences (in any of the site's languages) become `decision_code`; the
series keep the code of each skipped date only.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

SENTENCES = {
    "not_checked_in": "Not checked in within the grace period.",
    "other_approved": "Another request for this time was approved.",
}


def to_codes(apps, schema_editor):
    Booking = apps.get_model("spaces", "Booking")
    BookingSeries = apps.get_model("spaces", "BookingSeries")
    for code, sentence in SENTENCES.items():
        written = {sentence}
        for lang, _name in settings.LANGUAGES:
            with translation.override(lang):
                written.add(translation.gettext(sentence))
        Booking.objects.filter(decision_reason__in=written).update(
            decision_reason="", decision_code=code
        )
    for series in BookingSeries.objects.exclude(skipped=[]).iterator():
        series.skipped = [
            {"starts_at": s["starts_at"], "reason": s.get("reason", "")} for s in series.skipped
        ]
        series.save(update_fields=["skipped"])


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0003_space_overlap_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="decision_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "(none)"),
                    ("not_checked_in", "Not checked in within the grace period."),
                    ("other_approved", "Another request for this time was approved."),
                ],
                default="",
                max_length=20,
                verbose_name="reason code",
            ),
        ),
        migrations.RunPython(to_codes, migrations.RunPython.noop),
    ]
