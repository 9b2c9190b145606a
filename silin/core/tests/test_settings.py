"""The settings file refuses bad values at start-up instead of running half-configured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SILIN_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD = {
    "SILIN_SECRET_KEY": "x" * 50,
    "SILIN_HASH_KEY": "h" * 32,
    "SILIN_FIELD_KEYS": "bmJubmJubmJubmJubmJubmJubmJubmJubmJubmJubmI=",
}


def test_a_complete_configuration_starts():
    result = _start(**GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SILIN_DEBUG": "maybe"}, "SILIN_DEBUG must be a boolean"),
        ({"SILIN_SESSION_MINUTES": "ten"}, "SILIN_SESSION_MINUTES must be an integer"),
        ({"SILIN_FIELD_KEYS": "not-a-key"}, "SILIN_FIELD_KEYS"),
        ({"SILIN_SECRET_KEY": ""}, "SILIN_SECRET_KEY"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"SILIN_TASK_BACKEND": "celery"}, "SILIN_TASK_BACKEND"),
        (
            {"DATABASE_URL": "postgres://u@h/d", "SILIN_PG_RANDOM_PAGE_COST": "nan"},
            "SILIN_PG_RANDOM_PAGE_COST must be at least",
        ),
        (
            {"DATABASE_URL": "postgres://u@h/d", "SILIN_PG_RANDOM_PAGE_COST": "fast"},
            "SILIN_PG_RANDOM_PAGE_COST must be a number",
        ),
    ],
)
def test_bad_values_stop_start_up_with_a_message(override, message):
    result = _start(**{**GOOD, **override})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def _options(**env: str) -> str:
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SILIN_", "DATABASE_URL"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={**clean, **GOOD, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_connections_plan_for_fast_storage_unless_told_otherwise():
    assert "-c random_page_cost=1.1" in _options(DATABASE_URL="postgres://u@h/d")
    assert "-c random_page_cost=2.0" in _options(
        DATABASE_URL="postgres://u@h/d", SILIN_PG_RANDOM_PAGE_COST="2"
    )
    own = _options(DATABASE_URL="postgres://u@h/d?options=-c%20work_mem%3D8MB")
    assert "work_mem=8MB" in own and "random_page_cost" not in own
    assert "random_page_cost" not in _options()  # SQLite
