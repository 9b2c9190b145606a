from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.accounts import sms
from silin.accounts.models import OneTimeCode, User
from silin.core.models import AuditEntry

LOGIN = "accounts:login"


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are checked in English, the source language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _password_login(client, mobile, password, **extra):
    return client.post(reverse(LOGIN), {"mobile": mobile, "password": password, **extra})


def _code_from_outbox() -> str:
    assert sms.outbox, "no SMS was sent"
    found = re.search(r"\b(\d{6})\b", sms.outbox[-1][1])
    assert found, sms.outbox[-1][1]
    return found.group(1)


def test_login_page_offers_password_and_code_and_a_helping_hand(client, db):
    response = client.get(reverse(LOGIN))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="password-login"' in html
    assert "?method=code" in html
    assert "help-note" in html


def test_code_tab_shows_the_code_request_form(client, db):
    response = client.get(reverse(LOGIN), {"method": "code"})
    assert 'id="code-request"' in response.content.decode()


def test_password_login_with_the_right_password_signs_in(client, cast):
    response = _password_login(client, "138 0000 1234", cast.password)
    assert response.status_code == 302
    assert response.url == reverse("console:home")
    assert client.session["_auth_user_id"] == str(cast.liu.pk)


def test_password_login_follows_a_safe_next_but_not_a_foreign_one(client, cast):
    assert _password_login(
        client, cast.liu.mobile, cast.password, next="/accounts/profile/"
    ).url == ("/accounts/profile/")
    client.logout()
    response = _password_login(client, cast.liu.mobile, cast.password, next="https://evil.example/")
    assert response.url == reverse("console:home")


def test_wrong_password_does_not_sign_in_and_says_so(client, cast):
    response = _password_login(client, cast.liu.mobile, "not-the-password")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "The mobile number or password is not right" in response.content.decode()


def test_missing_fields_get_errors_next_to_the_field(client, db):
    response = client.post(reverse(LOGIN), {"mobile": "12345", "password": ""})
    html = response.content.decode()
    assert 'id="id_mobile-error"' in html
    assert 'id="id_password-error"' in html
    assert "A mobile number has 11 digits" in html


def test_repeated_failures_lock_the_account_with_a_clear_message(client, cast, settings):
    settings.SILIN_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        _password_login(client, cast.liu.mobile, "wrong-password")
    response = _password_login(client, cast.liu.mobile, "wrong-password")
    assert "Too many failed attempts" in response.content.decode()
    # Even the right password is refused while locked.
    response = _password_login(client, cast.liu.mobile, cast.password)
    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=cast.liu.pk).is_locked()


def test_code_login_sends_a_code_and_signs_in_with_it(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    assert response.status_code == 200
    assert 'id="code-login"' in response.content.decode()
    assert sms.outbox[-1][0] == cast.liu.mobile
    response = client.post(
        reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": _code_from_outbox()}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.liu.pk)


def test_code_request_for_an_unknown_number_looks_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:login-code-request"), {"mobile": "13712345678"})
    assert response.status_code == 200
    assert 'id="code-login"' in response.content.decode()
    assert sms.outbox == []


def test_wrong_code_is_refused_next_to_the_code_field(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    wrong = "000000" if _code_from_outbox() != "000000" else "111111"
    response = client.post(
        reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": wrong}
    )
    assert response.status_code == 400
    assert 'id="id_code-error"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_code_is_refused(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    code = _code_from_outbox()
    OneTimeCode.objects.filter(user=cast.liu).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.post(
        reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": code}
    )
    assert response.status_code == 400
    assert "The code is wrong or has expired" in response.content.decode()


def test_a_code_works_only_once(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    code = _code_from_outbox()
    client.post(reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": code})
    client.logout()
    response = client.post(
        reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": code}
    )
    assert response.status_code == 400


def test_logout_needs_post_and_signs_out(client, cast, login):
    client = login(cast.liu)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse(LOGIN)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", "登录"), ("zh-hant", "登錄"), ("en", "Log in")],
)
def test_login_page_speaks_each_language_before_login(client, db, settings, language, text):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse(LOGIN))
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert text in html


def test_login_page_honours_the_elderly_cookie_before_login(client, db):
    client.cookies["silin_elderly"] = "1"
    assert 'class="elderly"' in client.get(reverse(LOGIN)).content.decode()


def test_repeated_wrong_codes_lock_the_account_with_a_clear_message(
    client, cast, settings, django_capture_on_commit_callbacks
):
    settings.SILIN_LOGIN_MAX_FAILURES = 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    code = _code_from_outbox()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        client.post(reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": wrong})
    response = client.post(
        reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": code}
    )
    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_and_successful_logins_are_in_the_audit_log(client, cast):
    _password_login(client, cast.liu.mobile, "wrong-password")
    _password_login(client, cast.liu.mobile, cast.password)
    actions = list(
        AuditEntry.objects.filter(object_type="accounts.user", object_uuid=str(cast.liu.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["login_failed", "login"]


def _lock(user, minutes=15):
    until = timezone.now() + dt.timedelta(minutes=minutes)
    User.objects.filter(pk=user.pk).update(locked_until=until)
    return until


def test_a_code_asked_for_a_locked_account_says_the_same_and_texts_when_it_opens(
    client, cast, django_capture_on_commit_callbacks, clock
):
    clock.move_to(10)
    _lock(cast.liu)
    with django_capture_on_commit_callbacks(execute=True):
        locked = client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("accounts:login-code-request"), {"mobile": "13712345678"})
    # The page cannot tell a locked account from no account ...
    notice = 'role="status"'
    assert locked.content.decode().count(notice) == unknown.content.decode().count(notice) == 1
    assert "we have sent it a text message" in locked.content.decode()
    # ... but the phone's owner is told the truth, and no code is sent.
    [(mobile, text)] = sms.outbox
    assert mobile == cast.liu.mobile
    assert "锁定" in text and "10:15" in text  # in the account's language, not the page's
    assert not re.search(r"\b\d{6}\b", text)
    assert not OneTimeCode.objects.exists()


def test_the_lock_notice_is_texted_once_per_lock(client, cast, django_capture_on_commit_callbacks):
    _lock(cast.liu)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    assert len(sms.outbox) == 1


def test_codes_are_limited_to_one_a_minute_and_five_an_hour(
    client, cast, django_capture_on_commit_callbacks, clock
):
    start = clock.move_to(10)
    for minute in range(0, 14, 2):
        clock.move_to(start.hour, minute)
        for _ in range(2):  # the second within the minute is never sent
            with django_capture_on_commit_callbacks(execute=True):
                client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    assert len(sms.outbox) == 5


def test_elderly_mode_chosen_on_the_login_page_carries_into_the_account(client, cast):
    response = client.post(reverse("console:elderly-toggle"), {"next": reverse(LOGIN)})
    assert response.status_code == 302
    _password_login(client, cast.liu.mobile, cast.password)
    cast.liu.refresh_from_db()
    assert cast.liu.elderly_mode is True
    assert 'class="elderly"' in client.get(reverse("console:home")).content.decode()


def test_a_stale_elderly_cookie_does_not_change_the_account(client, cast):
    client.cookies["silin_elderly"] = "0"
    User.objects.filter(pk=cast.liu.pk).update(elderly_mode=True)
    _password_login(client, cast.liu.mobile, cast.password)
    cast.liu.refresh_from_db()
    assert cast.liu.elderly_mode is True


def test_a_failed_login_is_logged_as_what_it_is(client, cast, caplog):
    import logging

    logger = logging.getLogger("silin.accounts")  # its own handler: it does not propagate
    logger.addHandler(caplog.handler)
    try:
        _password_login(client, cast.liu.mobile, "wrong-password")
    finally:
        logger.removeHandler(caplog.handler)
    assert "Failed login for 138****1234 (wrong password)" in caplog.text
