"""Signing in (password or one-time code), lockout, a forgotten password, access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from silin.accounts.models import AccessToken, OneTimeCode, User
from silin.accounts.tasks import seal_code, send_code_task, send_lock_notice_task
from silin.core import audit
from silin.lib import masking, phones
from silin.lib.prepared import Prepared

TOKEN_PREFIX = "sl_"  # noqa: S105 - a public marker, not a secret
CODE_INTERVAL = dt.timedelta(seconds=60)  # at most one code a minute per account and purpose
CODES_PER_HOUR = 5  # and at most this many an hour

logger = logging.getLogger("silin.accounts")


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _locked_error(user: User) -> ValidationError:
    left = (user.locked_until or timezone.now()) - timezone.now()
    minutes = max(1, int(left.total_seconds() // 60) + 1)
    return ValidationError(
        _("Too many failed attempts. Please try again in %(minutes)d minutes.")
        % {"minutes": minutes},
        code="locked",
    )


def _bad_credentials() -> ValidationError:
    return ValidationError(
        _("The mobile number or password is not right. Please try again."), code="invalid"
    )


@transaction.atomic
def _register_failure(user: User, *, reason: str = "wrong password") -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    audit.record(actor=None, action="login_failed", obj=user, object_type="accounts.user")
    logger.info(
        "Failed login for %s (%s), attempt %d",
        masking.mask_mobile(user.mobile),
        reason,
        user.failed_logins,
    )
    if user.failed_logins >= settings.SILIN_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + dt.timedelta(
            minutes=settings.SILIN_LOGIN_LOCKOUT_MINUTES
        )
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])
        audit.record(actor=None, action="locked", obj=user, object_type="accounts.user")
        logger.warning(
            "Account %s locked until %s after repeated failures",
            masking.mask_mobile(user.mobile),
            timezone.localtime(user.locked_until).isoformat(timespec="minutes"),
        )


def _register_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record(actor=user, action="login", obj=user, object_type="accounts.user")


def login_with_password(*, request: HttpRequest | None, mobile: str, password: str) -> User:
    """The user for these credentials, or ValidationError; failures count toward lockout."""
    number = phones.normalise(mobile)
    user = User.objects.filter(mobile=number, is_active=True).first()
    if user is not None and user.is_locked():
        raise _locked_error(user)
    authed = authenticate(request, mobile=number, password=password)
    if authed is None:
        if user is not None:
            _register_failure(user)
            if user.is_locked():
                raise _locked_error(user)
        raise _bad_credentials()
    _register_success(authed)
    return authed


def _valid_number(mobile: str) -> str:
    number = phones.normalise(mobile)
    if not phones.is_valid(number):
        raise ValidationError(
            {"mobile": [_("A mobile number has 11 digits and starts with 13 to 19.")]}
        )
    return number


def _lock_notice(user: User) -> None:
    """Tells the owner by SMS, once per lock, that no code was sent and when to try again.

    The page says the same to everyone ("if this number has an account, we sent it a text
    message"), so it reveals nothing; the phone's owner learns the truth.
    """
    if user.locked_until is None:
        return
    claimed = (
        User.objects.filter(pk=user.pk, locked_until=user.locked_until)
        .exclude(lock_notified_until=user.locked_until)
        .update(lock_notified_until=user.locked_until)
    )
    if not claimed:
        return
    user_id, until = user.pk, user.locked_until.isoformat()
    transaction.on_commit(lambda: send_lock_notice_task.enqueue(user_id, until))


def _send_code(user: User, purpose: str) -> None:
    """A new six-digit code for `purpose`, within the rate limits (else nothing)."""
    now = timezone.now()
    recent = OneTimeCode.objects.filter(user=user, purpose=purpose)
    if recent.filter(created_at__gte=now - CODE_INTERVAL).exists():
        return
    if recent.filter(created_at__gte=now - dt.timedelta(hours=1)).count() >= CODES_PER_HOUR:
        logger.warning("Code requests for %s over the hourly limit", user.mobile_masked)
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=_digest(f"{user.pk}:{purpose}:{code}"),
        expires_at=now + dt.timedelta(minutes=settings.SILIN_OTP_TTL_MINUTES),
    )
    user_id, sealed, language = user.pk, seal_code(code), translation.get_language() or ""
    transaction.on_commit(lambda: send_code_task.enqueue(user_id, purpose, sealed, language))


@transaction.atomic
def otp_request(*, mobile: str, purpose: str = OneTimeCode.Purpose.LOGIN) -> None:
    """Texts a six-digit code to an active account's number, or, if the account is locked,
    when it opens again. Answers the same either way, so the form cannot be used to find
    out who is registered."""
    number = _valid_number(mobile)
    user = User.objects.select_for_update().filter(mobile=number, is_active=True).first()
    if user is None:
        return
    if user.is_locked():
        _lock_notice(user)
        return
    _send_code(user, purpose)


def _check_code(
    number: str, code: str, purpose: str = OneTimeCode.Purpose.LOGIN
) -> tuple[str, User | None]:
    """'ok', 'locked' or 'invalid', with the user; counts a wrong code without raising,
    so that the count is committed rather than rolled back with an exception."""
    user = User.objects.filter(mobile=number, is_active=True).first()
    if user is None:
        return "invalid", None
    if user.is_locked():
        return "locked", user
    otp = (
        OneTimeCode.objects.select_for_update()
        .filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if otp is None or otp.attempts >= settings.SILIN_OTP_MAX_ATTEMPTS:
        return "invalid", user
    if not hmac.compare_digest(otp.code_hash, _digest(f"{user.pk}:{purpose}:{code.strip()}")):
        otp.attempts += 1
        otp.save(update_fields=["attempts"])
        _register_failure(user, reason="wrong code")
        return ("locked" if user.is_locked() else "invalid"), user
    otp.used_at = timezone.now()
    otp.save(update_fields=["used_at"])
    if purpose == OneTimeCode.Purpose.LOGIN:
        _register_success(user)
    return "ok", user


def login_with_code(*, mobile: str, code: str) -> User:
    """The user this one-time code was sent to, or ValidationError (on `code` when it is
    wrong; for the whole form when the account is locked). Wrong codes count toward the
    same lockout as wrong passwords."""
    with transaction.atomic():
        outcome, user = _check_code(phones.normalise(mobile), code)
    if outcome == "ok" and user is not None:
        return user
    if outcome == "locked" and user is not None:
        raise _locked_error(user)
    wrong = _("The code is wrong or has expired. Please ask for a new one.")
    raise ValidationError({"code": [ValidationError(wrong, code="invalid")]})


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[AccessToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    if not name.strip():
        raise ValidationError({"name": [_("Please give the token a name.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=actor, name=name.strip(), prefix=secret[:10], token_hash=_digest(secret)
    )
    audit.record(actor=actor, action="grant", obj=token, detail="access token")
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: AccessToken) -> None:
    if token.user_id != actor.pk:
        raise ValidationError(_("This token is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="revoke", obj=token, detail="access token")


# Every API request's lookup, compiled once (`lib.prepared`).
_TOKEN_BY_HASH = Prepared(
    lambda digest: (
        AccessToken.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .order_by()
    ),
    AccessToken._meta.get_field("token_hash"),
)


def token_authenticate(secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = _TOKEN_BY_HASH.first(_digest(secret))
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        _mark_used(token, now)
    return token.user


def _mark_used(token: AccessToken, now: dt.datetime) -> None:
    """Note when a token was last used (at most every five minutes).

    Bookkeeping, not a record anyone relies on: on PostgreSQL it commits without waiting
    for the WAL to reach the disk (`synchronous_commit` off for this transaction only), so
    a crowd of first requests is not a crowd of disk flushes; a crash may lose the last
    moments of it, nothing else. Inside a caller's transaction it simply joins it.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)


def preferences_update(
    *, user: User, elderly_mode: bool | None = None, language: str | None = None
) -> None:
    fields = []
    if elderly_mode is not None and user.elderly_mode != elderly_mode:
        user.elderly_mode = elderly_mode
        fields.append("elderly_mode")
    if language is not None and user.language != language:
        user.language = language
        fields.append("language")
    if fields:
        user.save(update_fields=fields)


@transaction.atomic
def password_change(*, actor: User, new_password: str) -> None:
    """Sets a new password (already validated by the caller's form) and records it."""
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit.record(
        actor=actor,
        action="update",
        obj=actor,
        object_type="accounts.user",
        changes={"password": ["***", "***"]},
        detail="password changed",
    )


def password_reset_request(*, mobile: str) -> None:
    """Step 1 of a forgotten password: a code by SMS to the account's own number."""
    otp_request(mobile=mobile, purpose=OneTimeCode.Purpose.PASSWORD_RESET)


def password_reset_confirm(*, mobile: str, code: str, new_password: str) -> User:
    """Step 2: the code from the SMS and a new password (checked by Django's validators).

    A wrong code counts toward the same lockout as a wrong password; the new password
    ends every other session of the account (their session hash no longer matches).
    """
    number = _valid_number(mobile)
    candidate = User.objects.filter(mobile=number, is_active=True).first()
    try:
        password_validation.validate_password(new_password, candidate)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    with transaction.atomic():
        outcome, user = _check_code(number, code, OneTimeCode.Purpose.PASSWORD_RESET)
        if outcome == "ok" and user is not None:
            user.set_password(new_password)
            user.failed_logins = 0
            user.save(update_fields=["password", "failed_logins"])
            audit.record(
                actor=user,
                action="update",
                obj=user,
                object_type="accounts.user",
                changes={"password": ["***", "***"]},
                detail="password reset by SMS code",
            )
            return user
    if outcome == "locked" and user is not None:
        raise _locked_error(user)
    wrong = _("The code is wrong or has expired. Please ask for a new one.")
    raise ValidationError({"code": [ValidationError(wrong, code="invalid")]})
