"""The one error shape of the API and the handlers that produce it.

Every error answers `{"error": {"code", "message", "fields"}}`, with messages in the
request's language. An object the actor may not see answers exactly like a missing one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("silin.api")

NON_FIELD = "__all__"
# Where ninja says a bad value came from; the client knows, so the field name is enough.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
# Names ninja gives whole-schema parameters; they are not fields the client sent.
_PARAM_NAMES = frozenset({"payload", "filters", "ninja_pagination"})


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The documented error answers of an operation, always with the one error schema."""
    return dict.fromkeys(sorted({401, 429, *statuses}), ErrorOut)


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def error_body(code: str, message: str, fields: Mapping[str, Iterable[str]] | None = None):
    return {
        "error": {
            "code": code,
            "message": str(message),
            "fields": {k: [str(m) for m in v] for k, v in (fields or {}).items()},
        }
    }


# --- pydantic messages in the user's language ------------------------------------------------


def _pydantic_message(err: Mapping[str, Any]) -> str:  # noqa: C901 - a flat lookup table
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_too_long", "too_long"}:
        return _("Ensure this value has at most %(max)s characters.") % {
            "max": ctx.get("max_length")
        }
    if kind in {"string_too_short", "too_short"}:
        return _("Ensure this value has at least %(min)s characters.") % {
            "min": ctx.get("min_length")
        }
    if kind.startswith("uuid"):
        return _("Enter a valid identifier (UUID).")
    if kind.startswith("int") or kind == "decimal_parsing":
        return _("Enter a whole number.")
    if kind.startswith("date"):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind in {"literal_error", "enum"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "greater_than_equal":
        return _("Ensure this value is at least %(min)s.") % {"min": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Ensure this value is at most %(max)s.") % {"max": ctx.get("le")}
    if kind == "json_invalid":
        return _("The request body could not be read. Please send JSON.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind.startswith(("string", "list", "bool", "model")):
        return _("This value has the wrong type.")
    return _("This value is not valid.")


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD


def ninja_field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        fields.setdefault(_field_name(err.get("loc", ())), []).append(_pydantic_message(err))
    return fields


def django_field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


# --- handlers --------------------------------------------------------------------------------


def _invalid_message() -> str:
    return _("Some of the values are not valid. Please check the fields marked.")


def _respond(api: NinjaAPI, request, status: int, code: str, message: str, fields=None):
    return api.create_response(request, error_body(code, message, fields), status=status)


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError, *, api: NinjaAPI):
    return _respond(api, request, 422, "invalid", _invalid_message(), django_field_errors(exc))


def _on_ninja_validation(request: HttpRequest, exc: NinjaValidationError, *, api: NinjaAPI):
    return _respond(
        api, request, 422, "invalid", _invalid_message(), ninja_field_errors(exc.errors)
    )


def _on_not_found(request: HttpRequest, exc: Exception, *, api: NinjaAPI):
    return _respond(api, request, 404, "not_found", _("Not found."))


def _on_permission_denied(request: HttpRequest, exc: Exception, *, api: NinjaAPI):
    message = _("You do not have permission to do this.")
    return _respond(api, request, 403, "permission_denied", message)


def _on_authentication(request: HttpRequest, exc: Exception, *, api: NinjaAPI):
    message = _("Please sign in, or send a valid access token (Authorization: Bearer …).")
    return _respond(api, request, 401, "not_authenticated", message)


def _on_csrf(request: HttpRequest, exc: Exception, *, api: NinjaAPI):
    message = _("The CSRF check failed. Send the X-CSRFToken header with session requests.")
    return _respond(api, request, 403, "csrf_failed", message)


def _on_throttled(request: HttpRequest, exc: Throttled, *, api: NinjaAPI):
    message = _("Too many requests. Please wait a moment and try again.")
    return _respond(api, request, 429, "throttled", message)


def _on_http_error(request: HttpRequest, exc: HttpError, *, api: NinjaAPI):
    if exc.status_code == 400:  # ninja's only 400: a body that is not JSON
        message = _("The request body could not be read. Please send JSON.")
        return _respond(api, request, 400, "bad_request", message)
    codes = {403: "permission_denied", 404: "not_found", 409: "conflict"}
    code = codes.get(exc.status_code, "error")
    return _respond(api, request, exc.status_code, code, str(exc))


def _on_exception(request: HttpRequest, exc: Exception, *, api: NinjaAPI):
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    message = _("Something went wrong on our side. Please try again.")
    return _respond(api, request, 500, "server_error", message)


_HANDLERS: dict[type[Exception], Callable[..., HttpResponse]] = {
    Exception: _on_exception,
    HttpError: _on_http_error,
    Throttled: _on_throttled,
    CsrfFailed: _on_csrf,
    AuthenticationError: _on_authentication,
    PermissionDenied: _on_permission_denied,
    Http404: _on_not_found,
    ObjectDoesNotExist: _on_not_found,
    NinjaValidationError: _on_ninja_validation,
    DjangoValidationError: _on_django_validation,
}


def install_exception_handlers(api: NinjaAPI) -> None:
    for exc_class, handler in _HANDLERS.items():
        api.add_exception_handler(exc_class, partial(handler, api=api))
