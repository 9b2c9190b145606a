from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task_backends

from silin.accounts import services, sms, tasks
from silin.accounts.models import OneTimeCode, User
from silin.core.models import AuditEntry


def _request_code(user, capture) -> str:
    with capture(execute=True):
        services.otp_request(mobile=user.mobile)
    return _digits(sms.outbox[-1][1])


def _digits(message: str) -> str:
    found = re.search(r"\b(\d{6})\b", message)
    assert found, message
    return found.group(1)


def test_a_wrong_code_is_counted_even_though_the_login_fails(
    cast, django_capture_on_commit_callbacks
):
    code = _request_code(cast.liu, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError):
        services.login_with_code(mobile=cast.liu.mobile, code=wrong)
    assert OneTimeCode.objects.get(user=cast.liu).attempts == 1
    assert User.objects.get(pk=cast.liu.pk).failed_logins == 1


def test_a_right_code_signs_in_and_resets_the_failure_count(
    cast, django_capture_on_commit_callbacks
):
    code = _request_code(cast.liu, django_capture_on_commit_callbacks)
    User.objects.filter(pk=cast.liu.pk).update(failed_logins=2)
    assert services.login_with_code(mobile=cast.liu.mobile, code=code) == cast.liu
    assert User.objects.get(pk=cast.liu.pk).failed_logins == 0
    assert OneTimeCode.objects.get(user=cast.liu).used_at is not None


def test_an_invalid_mobile_number_cannot_request_a_code(db):
    with pytest.raises(ValidationError) as exc:
        services.otp_request(mobile="12345")
    assert "mobile" in exc.value.message_dict


def test_password_change_records_an_audit_entry_without_the_password(cast):
    services.password_change(actor=cast.liu, new_password="Qiu-tian-2026!")
    entry = AuditEntry.objects.get(detail="password changed")
    assert entry.changes == {"password": ["***", "***"]}
    assert "Qiu-tian" not in str(entry.changes)


def test_token_revoke_refuses_someone_elses_token(cast):
    token, secret = services.token_create(actor=cast.worker, name="报表")
    with pytest.raises(ValidationError):
        services.token_revoke(actor=cast.other_worker, token=token)
    assert services.token_authenticate(secret) == cast.worker


def test_a_token_secret_is_never_stored(cast):
    token, secret = services.token_create(actor=cast.worker, name="报表")
    token.refresh_from_db()
    assert secret not in (token.token_hash, token.prefix)
    assert secret.startswith(token.prefix)


def test_a_queued_code_carries_no_code_and_no_sentence_in_the_clear(
    cast, django_capture_on_commit_callbacks, settings
):
    """The task row outlives the request: it holds the user, the purpose and the sealed
    code; the text is written in the user's language only when the task runs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    User.objects.filter(pk=cast.liu.pk).update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(mobile=cast.liu.mobile)
    (queued,) = task_backends["default"].results
    args = queued.args
    assert args[0] == cast.liu.pk and args[1] == OneTimeCode.Purpose.LOGIN
    assert not re.search(r"\d{6}", str(args)) and "Silin" not in str(args)
    assert tasks.send_code_task.call(*args) is True
    mobile, text = sms.outbox[-1]
    assert mobile == cast.liu.mobile and text.startswith("Your Silin login code is ")
    # Past the code's lifetime a queued code is dropped, never sent late.
    before = len(sms.outbox)
    later = timezone.now() + dt.timedelta(minutes=settings.SILIN_OTP_TTL_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        assert tasks.send_code_task.call(*args) is False and len(sms.outbox) == before
