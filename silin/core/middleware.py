from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

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


class SessionRefreshMiddleware:
    """The idle timeout of a session, written at most once a minute.

    A session's age restarts when it is saved. Saving it on every request (Django's
    SESSION_SAVE_EVERY_REQUEST) is an UPDATE in its own transaction on every page; this
    marks a signed-in session modified only when its last refresh is SESSION_REFRESH_SECONDS
    (60) old or more, so the idle timeout is exact to the minute for a fraction of the
    writes. Listed after SessionMiddleware, so it sees the response first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.every = getattr(settings, "SESSION_REFRESH_SECONDS", 60)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():
            return response
        now = int(timezone.now().timestamp())
        last = session.get("_refreshed_at")
        if not isinstance(last, int) or now - last >= self.every or now < last:
            session["_refreshed_at"] = now
        return response
