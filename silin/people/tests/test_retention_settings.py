"""Retention periods come from the environment and bad values stop start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from silin.core import retention
from silin.core.tests.test_settings import GOOD, ROOT


def _django(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    """Starts Django in a fresh process with only `env` (and no SILIN_* of this shell)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SILIN_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()" + code],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SILIN_AUDIT_RETENTION_DAYS": "90"}, "SILIN_AUDIT_RETENTION_DAYS must be at least 183"),
        ({"SILIN_RESIDENT_RETENTION_DAYS": "three years"}, "SILIN_RESIDENT_RETENTION_DAYS"),
        ({"SILIN_RESIDENT_RETENTION_DAYS": "7"}, "must be at least 30"),
        ({"SILIN_OTP_RETENTION_DAYS": "0"}, "SILIN_OTP_RETENTION_DAYS must be at least 1"),
        ({"SILIN_NOTIFICATION_RETENTION_DAYS": "-1"}, "SILIN_NOTIFICATION_RETENTION_DAYS"),
        ({"SILIN_IMPORT_FILE_RETENTION_DAYS": "1.5"}, "SILIN_IMPORT_FILE_RETENTION_DAYS"),
    ],
)
def test_a_bad_retention_period_stops_start_up(override, message):
    result = _django({**GOOD, **override})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_retention_periods_are_read_from_the_environment():
    env = {**GOOD, "SILIN_RESIDENT_RETENTION_DAYS": "400", "SILIN_IMPORT_FILE_RETENTION_DAYS": "7"}
    code = (
        "; from django.conf import settings as s; "
        "print(s.SILIN_RESIDENT_RETENTION_DAYS, s.SILIN_IMPORT_FILE_RETENTION_DAYS)"
    )
    result = _django(env, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["400", "7"]


def test_every_retention_setting_exists_with_its_default(settings):
    assert len(retention.retention_settings()) >= 5
    for name in retention.retention_settings():
        assert isinstance(getattr(settings, name), int)
    assert settings.SILIN_AUDIT_RETENTION_DAYS >= 183
