"""Silin settings: one file, driven by environment variables, failing fast on bad values.

Every value a deployment may change is read here from the environment once, at start-up.
A value that cannot be parsed raises ImproperlyConfigured rather than falling back silently.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SILIN_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name) or default
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}.")


def _env_number(name: str, default: Any, minimum: Any, parse: Any, kind: str) -> Any:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = parse(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {kind}, got {raw!r}.") from exc
    if not value >= minimum:  # NaN too
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}.")
    return value


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    return int(_env_number(name, default, minimum, int, "an integer"))


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    return float(_env_number(name, default, minimum, float, "a number"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("SILIN_DEBUG", False)
# A fixed development key keeps `make demo` one command; production must set its own.
_DEV_SECRET = "silin-development-only-secret-key-change-me-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("SILIN_SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SILIN_SECRET_KEY must be set to a private value when not in debug.")
ALLOWED_HOSTS = env_list("SILIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SILIN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # Silin's apps in layer order (docs/architecture.md): the demo seeds them in this order.
    "silin.core",
    "silin.places",
    "silin.accounts",
    "silin.notifications",
    "silin.people",
    "silin.organizations",
    "silin.workbooks",
    "silin.spaces",
    "silin.activities",
    "silin.mutualaid",
    "silin.console",
    "silin.demo",
    "silin.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "silin.core.middleware.SessionRefreshMiddleware",
    "silin.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "silin.core.middleware.RequestContextMiddleware",
    # After authentication and messages: a family proxy acting for someone (亲情账号).
    "silin.people.acting.ActingForMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "silin.core.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "silin.core.context_processors.silin",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        # Persistent connections (a minute). A health check before each request's first
        # query is a round trip on every request (a third of a refused booking's queries):
        # off unless SILIN_DB_HEALTH_CHECKS says so. Without it, after a database restart
        # each worker's next request fails once and the broken connection is dropped.
        DATABASES = {
            "default": dj_database_url.parse(
                _database_url,
                conn_max_age=60,
                conn_health_checks=env_bool("SILIN_DB_HEALTH_CHECKS", False),
            )
        }
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
    if DATABASES["default"]["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite.")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The planner's cost of a random read: PostgreSQL's default (4) is for spinning
        # disks, and with it "my activities" joined a resident's 300 sign-ups to every past
        # event by a sequential scan (31 ms) instead of 300 index reads (5.7 ms). 1.1 suits
        # SSDs and data held in memory; the URL's own `?options=` wins.
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options.setdefault(
            "options",
            f"-c random_page_cost={env_float('SILIN_PG_RANDOM_PAGE_COST', 1.1, minimum=0.1)}",
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SILIN_SQLITE_PATH", str(VAR_DIR / "silin.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SILIN_TEST_DB_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "silin.accounts.backends.MobilePasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("SILIN_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SILIN_LOGIN_MAX_FAILURES = env_int("SILIN_LOGIN_MAX_FAILURES", 5, minimum=1)
SILIN_LOGIN_LOCKOUT_MINUTES = env_int("SILIN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
SILIN_OTP_TTL_MINUTES = env_int("SILIN_OTP_TTL_MINUTES", 5, minimum=1)
SILIN_OTP_MAX_ATTEMPTS = env_int("SILIN_OTP_MAX_ATTEMPTS", 5, minimum=1)
SILIN_SMS_BACKEND = env_str("SILIN_SMS_BACKEND", "silin.accounts.sms.ConsoleBackend")

SESSION_COOKIE_AGE = env_int("SILIN_SESSION_MINUTES", 60 * 8, minimum=5) * 60
# Idle timeout: the age restarts when the session is saved, which
# silin.core.middleware.SessionRefreshMiddleware does at most once a minute (not on every
# request: that was an UPDATE and a transaction on every page).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE = env_bool("SILIN_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


# --- personal data --------------------------------------------------------------------------
def _field_keys() -> list[str]:
    keys = env_list("SILIN_FIELD_KEYS")
    if not keys:
        if not DEBUG and not os.environ.get("SILIN_ALLOW_DEV_KEYS"):
            raise ImproperlyConfigured("SILIN_FIELD_KEYS must list at least one Fernet key.")
        keys = [base64.urlsafe_b64encode(b"silin-dev-field-key-32-bytes-000").decode()]
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key)) != 32:
                raise ValueError
        except ValueError as exc:
            raise ImproperlyConfigured(
                "Each SILIN_FIELD_KEYS entry must be a url-safe base64 32-byte Fernet key."
            ) from exc
    return keys


SILIN_FIELD_KEYS = _field_keys()  # first key encrypts; all keys decrypt (rotation)
SILIN_HASH_KEY = env_str("SILIN_HASH_KEY", "silin-dev-lookup-hash-key" if DEBUG else None)
if (
    not DEBUG
    and SILIN_HASH_KEY == "silin-dev-lookup-hash-key"
    and not os.environ.get("SILIN_ALLOW_DEV_KEYS")
):
    raise ImproperlyConfigured("SILIN_HASH_KEY must be set to a private value when not in debug.")
# Retention periods per kind of record, in days (`manage.py apply_retention` acts on them).
# The audit log is kept at least six months whatever the environment says.
SILIN_AUDIT_RETENTION_DAYS = env_int("SILIN_AUDIT_RETENTION_DAYS", 365, minimum=183)
# Residents who moved out or died: anonymised once this long has passed since the change.
SILIN_RESIDENT_RETENTION_DAYS = env_int("SILIN_RESIDENT_RETENTION_DAYS", 3 * 365, minimum=30)
SILIN_OTP_RETENTION_DAYS = env_int("SILIN_OTP_RETENTION_DAYS", 30, minimum=1)
SILIN_NOTIFICATION_RETENTION_DAYS = env_int("SILIN_NOTIFICATION_RETENTION_DAYS", 365, minimum=1)
# Uploaded import workbooks and their error reports (silin.workbooks).
SILIN_IMPORT_FILE_RETENTION_DAYS = env_int("SILIN_IMPORT_FILE_RETENTION_DAYS", 30, minimum=1)
# Sign-ups to activities that ended this long ago are deleted (silin.activities).
SILIN_ACTIVITY_SIGNUP_RETENTION_DAYS = env_int(
    "SILIN_ACTIVITY_SIGNUP_RETENTION_DAYS", 3 * 365, minimum=30
)
# The private notes of help requests closed this long ago, and of visits (silin.mutualaid).
SILIN_MUTUALAID_NOTES_RETENTION_DAYS = env_int(
    "SILIN_MUTUALAID_NOTES_RETENTION_DAYS", 365, minimum=30
)
# A service not confirmed by the person helped within this many days counts as confirmed.
SILIN_MUTUALAID_AUTO_ACCEPT_DAYS = env_int("SILIN_MUTUALAID_AUTO_ACCEPT_DAYS", 7, minimum=1)
# Background tasks that have finished (their rows, arguments and tracebacks).
SILIN_TASK_RESULT_RETENTION_DAYS = env_int("SILIN_TASK_RESULT_RETENTION_DAYS", 30, minimum=1)
# A resident's correction request is answered within this many days (GB/T 35273 allows 30;
# the street's own standard is shorter). The workers' to-do list shows the date it is due.
SILIN_CORRECTION_ANSWER_DAYS = env_int("SILIN_CORRECTION_ANSWER_DAYS", 15, minimum=1)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS: list[Path] = []  # each app keeps its own locale/ folder
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "silin_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "silin" / "static"]  # vendor/ is filled from node_modules
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- tasks ----------------------------------------------------------------------------------
_task_backend = env_str("SILIN_TASK_BACKEND", "database")
if _task_backend not in {"database", "immediate"}:
    raise ImproperlyConfigured("SILIN_TASK_BACKEND must be 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _task_backend == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- caching and logging --------------------------------------------------------------------
_redis = os.environ.get("SILIN_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis}
        if _redis
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# One line per event, stamped in the process's local time with its offset (`make serve` runs
# gunicorn and the task worker with TZ set to TIME_ZONE, so their lines agree). A form
# refused with 400 is the normal answer to bad input, not a server problem: django.request
# keeps its warnings for everything else. What matters about a refusal (a failed login)
# is logged by the service as what it is.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_bad_request": {"()": "silin.core.logs.DropBadRequest"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["no_bad_request"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("SILIN_LOG_LEVEL", "WARNING")},
    "loggers": {
        "silin.sms": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "silin.accounts": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
SILIN_VERBOSE_NAME = _("Silin")
