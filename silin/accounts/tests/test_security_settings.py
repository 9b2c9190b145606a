from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone


def test_sessions_expire_after_idle_time_and_restart_at_most_a_minute_late():
    assert 5 * 60 <= settings.SESSION_COOKIE_AGE <= 24 * 3600
    # Refreshed by silin.core.middleware.SessionRefreshMiddleware, not on every request.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert "silin.core.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_session_is_refreshed_once_a_minute_not_on_every_request(cast, login):
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10)))
    home = reverse("console:home")
    with time_machine.travel(start, tick=False) as traveller:
        client = login(cast.liu)
        assert settings.SESSION_COOKIE_NAME in client.get(home).cookies  # refreshed
        traveller.shift(30)
        assert settings.SESSION_COOKIE_NAME not in client.get(home).cookies  # no write
        traveller.shift(31)
        cookie = client.get(home).cookies[settings.SESSION_COOKIE_NAME]  # a minute on
        assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


def test_each_request_renews_the_session_cookie(cast, login):
    client = login(cast.liu)
    response = client.get(reverse("console:home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(
    "password",
    ["short1", "1234567890123", "password123", "qwertyuiop"],
)
def test_weak_passwords_are_refused(password, cast):
    with pytest.raises(ValidationError):
        validate_password(password, user=cast.liu)


def test_a_long_uncommon_password_is_accepted(cast):
    validate_password("Qiu-tian-de-shu-2026", user=cast.liu)
