from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse


def test_sessions_expire_after_idle_time_and_restart_on_each_request():
    assert 5 * 60 <= settings.SESSION_COOKIE_AGE <= 24 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


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
