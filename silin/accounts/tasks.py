"""Background work of the accounts app, run by `manage.py db_worker`.

A queued task is a database row that outlives the request, so it carries no sentence and
no secret in the clear: the text is written in the recipient's language when the task
runs, and a one-time code travels sealed (Fernet, expiring with the code itself).
"""

from __future__ import annotations

import datetime as dt

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from silin.accounts.models import OneTimeCode, User
from silin.accounts.sms import send_sms
from silin.lib import crypto


def seal_code(code: str) -> str:
    return crypto.encrypt(code)


def code_text(purpose: str, code: str) -> str:
    """The code's text message, in the active language."""
    values = {"code": code, "minutes": settings.SILIN_OTP_TTL_MINUTES}
    if purpose == OneTimeCode.Purpose.PASSWORD_RESET:
        return (
            _(
                "Your Silin code to set a new password is %(code)s. It is valid for "
                "%(minutes)d minutes. If you did not ask for it, ignore this message."
            )
            % values
        )
    return _("Your Silin login code is %(code)s. It is valid for %(minutes)d minutes.") % values


def lock_text(until: dt.datetime) -> str:
    until = timezone.localtime(until)
    return _(
        "Your Silin account is locked after too many attempts, so no code was sent. "
        "You can try again after %(time)s."
    ) % {"time": f"{until:%H:%M}"}


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


@task(priority=10)
def send_code_task(user_id: int, purpose: str, sealed: str, language: str = "") -> bool:
    """Text a one-time code in the user's language (else the language of the page that
    asked for it); False once it has expired unsent."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.mobile:
        return False
    try:
        ttl = settings.SILIN_OTP_TTL_MINUTES * 60
        code = crypto.fernet().decrypt(sealed.encode(), ttl=ttl).decode()
    except InvalidToken:
        return False
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        text = code_text(purpose, code)
    send_sms(user.mobile, text)
    return True


@task(priority=10)
def send_lock_notice_task(user_id: int, until: str) -> bool:
    """Tell the owner when a locked account opens again, in their language."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.mobile:
        return False
    with translation.override(_language(user)):
        text = lock_text(dt.datetime.fromisoformat(until))
    send_sms(user.mobile, text)
    return True


@task(priority=10)
def send_sms_task(mobile: str, message: str) -> None:
    """Hands a prepared text to the SMS backend. No longer enqueued by Silin: it stays so
    that rows queued before the sealed-code tasks existed still run."""
    send_sms(mobile, message)
