"""The street's tag dictionary as shipped; staff may add more in the back office."""

from django.db import migrations

TAGS = [
    # code, Chinese, English, sensitive
    ("elderly_80", "高龄", "Aged 80+", False),
    ("living_alone", "独居", "Living alone", False),
    ("empty_nest", "空巢", "Empty nest", False),
    ("disability", "残疾", "Disability", True),
    ("subsistence", "低保", "Subsistence allowance", True),
    ("left_behind_child", "留守儿童", "Left-behind child", True),
    ("veteran", "退役军人", "Veteran", False),
    ("party_member", "党员", "Party member", False),
    ("chronic_illness", "慢性病", "Chronic illness", True),
    ("volunteer", "志愿者", "Volunteer", False),
]


def add_tags(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    for order, (code, name, name_en, sensitive) in enumerate(TAGS):
        Tag.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sensitive": sensitive, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
