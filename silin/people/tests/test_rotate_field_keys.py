"""`manage.py rotate_field_keys`: the register's encrypted fields move to the new key."""

from __future__ import annotations

import base64
import io

from django.core.management import call_command

from silin.lib import idnumbers
from silin.people.models import Resident


def test_key_rotation_reencrypts_residents_with_the_new_key(world, settings):
    old_key = settings.SILIN_FIELD_KEYS[0]
    new_key = base64.urlsafe_b64encode(b"n" * 32).decode()
    settings.SILIN_FIELD_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.SILIN_FIELD_KEYS = [new_key]  # the old key is gone: data must still read
    liu = Resident.objects.get(pk=world.liu.pk)
    assert liu.mobile == "13800001234"
    assert idnumbers.parse(liu.id_number).birth_date == liu.birth_date
