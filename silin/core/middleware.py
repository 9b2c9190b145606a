from __future__ import annotations

from django.conf import settings
from django.utils import translation

from silin.core.request_context import reset_ip, set_ip


class UserLanguageMiddleware:
    """Applies the language a signed-in user chose, wherever they sign in from.

    Runs before LocaleMiddleware; it only fills the language cookie's place when the
    request has none, so an explicit switch on this device still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        lang = getattr(user, "language", "") if user and user.is_authenticated else ""
        if lang and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return None


class RequestContextMiddleware:
    """Makes the client address available to the audit log for the request's duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_ip(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            reset_ip(token)
