"""Who is calling: a signed-in browser session (with CSRF) or a personal access token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from silin.accounts.services import token_authenticate
from silin.core.api.errors import CsrfFailed


def activate_language(request: HttpRequest, user) -> None:
    """The API's language: the device's switch, then Accept-Language, then the user's choice.

    An API client says what it wants in Accept-Language, so the header wins over the
    preference saved on the account; with neither, the account's language applies, which
    matters for token clients that the page middleware never sees signed in.
    """
    explicit = settings.LANGUAGE_COOKIE_NAME in request.COOKIES or request.headers.get(
        "Accept-Language"
    )
    if explicit:
        lang = translation.get_language_from_request(request)
    else:
        lang = getattr(user, "language", "") or translation.get_language()
    translation.activate(lang)
    request.LANGUAGE_CODE = translation.get_language()


class SessionAuth(APIKeyCookie):
    """Django's session; unsafe methods need the CSRF token as the pages do.

    Unlike ninja's `django_auth`, the CSRF check runs only for a signed-in session, so an
    anonymous POST answers 401 rather than a CSRF error.
    """

    openapi_description = "Django session cookie; send X-CSRFToken on POST, PATCH and DELETE."

    def __init__(self) -> None:
        self.param_name = "sessionid"
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed
        return request.COOKIES.get(settings.SESSION_COOKIE_NAME)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        activate_language(request, user)
        return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sl_…`, a personal access token made under /tokens."""

    openapi_description = "A personal access token: Authorization: Bearer sl_…"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token.strip())
        if user is None:
            return None
        request.user = user
        activate_language(request, user)
        return user


session_auth = SessionAuth()
token_auth = TokenAuth()
# The token goes first: a client that sends one is not relying on an ambient cookie, so it
# needs no CSRF token even when a browser session happens to exist.
default_auth = [token_auth, session_auth]
