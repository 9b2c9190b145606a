"""A forgotten password: a code texted to the account's number, then a new password."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from silin.accounts import sms
from silin.accounts.models import OneTimeCode, User
from silin.core.models import AuditEntry

NEW = "邻里相助守望相助-2027"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _ask(client, mobile, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:password-reset"), {"mobile": mobile})


def _code() -> str:
    found = re.search(r"\b(\d{6})\b", sms.outbox[-1][1])
    assert found, sms.outbox[-1][1]
    return found.group(1)


def _confirm(client, mobile, code, password=NEW, again=None):
    return client.post(
        reverse("accounts:password-reset-confirm"),
        {
            "mobile": mobile,
            "code": code,
            "new_password1": password,
            "new_password2": again or password,
        },
    )


def test_the_login_page_links_to_the_forgotten_password(client, db):
    assert (
        reverse("accounts:password-reset") in client.get(reverse("accounts:login")).content.decode()
    )


def test_a_resident_sets_a_new_password_with_the_texted_code(
    client, cast, django_capture_on_commit_callbacks
):
    other_session = Client()
    other_session.force_login(cast.liu)
    response = _ask(client, cast.liu.mobile, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert 'id="reset-confirm"' in response.content.decode()
    assert "set a new password" in sms.outbox[-1][1]
    response = _confirm(client, cast.liu.mobile, _code())
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    liu = User.objects.get(pk=cast.liu.pk)
    assert liu.check_password(NEW) and not liu.check_password(cast.password)
    entry = AuditEntry.objects.filter(detail="password reset by SMS code").get()
    assert entry.object_uuid == str(liu.uuid)
    # Every other session of the account ends with the old password.
    assert other_session.get(reverse("console:home")).status_code == 302


def test_a_login_code_cannot_set_a_password_nor_a_reset_code_log_in(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login-code-request"), {"mobile": cast.liu.mobile})
    response = _confirm(client, cast.liu.mobile, _code())
    assert response.status_code == 400
    assert not User.objects.get(pk=cast.liu.pk).check_password(NEW)
    _ask(client, cast.liu.mobile, django_capture_on_commit_callbacks)
    response = client.post(
        reverse("accounts:login-code"), {"mobile": cast.liu.mobile, "code": _code()}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("password", "again", "field", "text"),
    [
        ("12345678", None, "new_password1", "entirely numeric"),
        (NEW, NEW + "x", "new_password2", "not the same"),
    ],
)
def test_a_weak_or_mistyped_password_is_refused_and_changes_nothing(
    client, cast, django_capture_on_commit_callbacks, password, again, field, text
):
    _ask(client, cast.liu.mobile, django_capture_on_commit_callbacks)
    code = _code()
    response = _confirm(client, cast.liu.mobile, code, password, again)
    assert response.status_code == 400
    assert text in response.content.decode()
    assert User.objects.get(pk=cast.liu.pk).check_password(cast.password)
    # The code was not spent on the refused attempt.
    assert _confirm(client, cast.liu.mobile, code).status_code == 302


def test_wrong_codes_count_toward_the_lockout(
    client, cast, settings, django_capture_on_commit_callbacks
):
    settings.SILIN_LOGIN_MAX_FAILURES = 2
    _ask(client, cast.liu.mobile, django_capture_on_commit_callbacks)
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        _confirm(client, cast.liu.mobile, wrong)
    response = _confirm(client, cast.liu.mobile, code)
    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert User.objects.get(pk=cast.liu.pk).check_password(cast.password)


def test_an_unknown_number_looks_the_same_and_gets_nothing(
    client, db, django_capture_on_commit_callbacks
):
    response = _ask(client, "13712345678", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert 'id="reset-confirm"' in response.content.decode()
    assert sms.outbox == []
    assert not OneTimeCode.objects.exists()
