"""How seed_demo finds each app's part, and what it refuses (no demo street needed)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from silin.demo.seeding import app_seeds
from silin.places.models import Street
from silin.spaces import demo as spaces_demo


def test_each_app_with_a_demo_module_is_seeded_in_the_order_of_installed_apps():
    seeds = list(app_seeds())
    labels = [label for label, _seed in seeds]
    order = [config.label for config in apps.get_app_configs()]
    assert labels == sorted(labels, key=order.index)
    assert ("spaces", spaces_demo.seed) in seeds
    assert "demo" not in labels  # the demo app builds the street itself, before the others


@pytest.mark.django_db
def test_a_street_smaller_than_the_minimum_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match="at least 100"):
        call_command("seed_demo", residents=50, stdout=StringIO())
    assert not Street.objects.exists()
