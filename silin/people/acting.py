"""Acting for a principal (亲情账号), checked on every request.

Pages: the proxy picks "act for 刘大爷" (`people:acting-start`), which stores the link's
UUID in the session; `ActingForMiddleware` then reads the link afresh on every request and,
while it is in force, runs the request as the principal (`ActingUser`: no role, no staff
capability) on the pages opened for the link's powers (`core.acting`). A revoked, ended or
expired link stops acting at the next request, in an open session too: that request is
refused (never run as the proxy instead) and the session forgets the link.

API: `X-Acting-For: <principal's account UUID>` on any request, checked by the API's
authentication (`ActingTokenAuth`, `ActingSessionAuth`) the same way; the session's
choice does not apply to the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from silin.accounts.api_auth import SessionAuth, TokenAuth
from silin.core.acting import API_ROOT, api_allowed, page_allowed
from silin.core.request_context import reset_acting, set_acting
from silin.lib.http import parse_uuid
from silin.people.proxy_models import ActingUser, ProxyLink
from silin.people.services.proxies import link_for_principal, link_in_force

SESSION_KEY = "silin_acting_for"
# The people a proxy may act for, as [[start url, name], ...]: remembered in the session at
# login and whenever the list is shown, so the header's switch costs no query per page.
HELPS_KEY = "silin_helps"
HEADER = "X-Acting-For"
# Pages that always run as the proxy themselves, also while acting: switching, the list of
# people one helps, the language and 长辈版 switches, logging out.
AS_SELF = frozenset(
    {
        "people:acting-start",
        "people:acting-stop",
        "people:helping",
        "set_language",
        "console:elderly-toggle",
        "accounts:logout",
    }
)
# Runs as the principal whatever the powers: what the proxy may do for them.
ACTING_HOME = "people:acting-home"


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def remember_helping(request: HttpRequest, user: Any) -> None:
    """Refresh the header's "act for …" switch from the links in force."""
    links = ProxyLink.objects.in_force().filter(proxy=user).select_related("principal")
    request.session[HELPS_KEY] = [
        [reverse("people:acting-start", args=[link.uuid]), link.principal.name] for link in links
    ]


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in` receiver (connected in PeopleConfig.ready): fills the switch."""
    if request is not None and hasattr(request, "session"):
        remember_helping(request, user)


class ActingForMiddleware:
    """After authentication and messages: swaps request.user while a proxy acts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_acting(None)
        try:
            return self._handle(request)
        finally:
            reset_acting(token)

    def _handle(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None or request.path_info.startswith(API_ROOT + "/"):
            return self.get_response(request)
        if SESSION_KEY not in session:
            if session.get(HELPS_KEY):
                request.silin_helps = session[HELPS_KEY]  # type: ignore[attr-defined]
            return self.get_response(request)
        proxy = request.user
        if not proxy.is_authenticated:
            session.pop(SESSION_KEY, None)
            return self.get_response(request)
        link = link_in_force(proxy=proxy, link_uuid=parse_uuid(session[SESSION_KEY]))
        if link is None:
            session.pop(SESSION_KEY, None)
            messages.error(request, _("You can no longer act for this person; nothing was done."))
            return redirect("people:helping")
        view_name = _view_name(request)
        acting_user = ActingUser.for_link(link, proxy)
        request.silin_acting = acting_user.acting  # type: ignore[attr-defined]
        if view_name is None or view_name in AS_SELF:
            return self.get_response(request)
        if view_name == "console:home":
            return redirect(ACTING_HOME)
        if view_name != ACTING_HOME and not page_allowed(acting_user.acting.powers, view_name):
            return render(
                request,
                "people/acting_refused.html",
                {"principal": acting_user.acting.principal_label},
                status=403,
            )
        request.user = acting_user
        request.real_user = proxy  # type: ignore[attr-defined]
        set_acting(acting_user.acting)
        return self.get_response(request)


def act_for_api(request: HttpRequest, user: Any) -> Any:
    """The API's X-Acting-For header: the principal within the link's powers, or 403."""
    header = request.headers.get(HEADER)
    if user is None or not header:
        return user
    principal_uuid = parse_uuid(header.strip())
    link = link_for_principal(proxy=user, principal_uuid=principal_uuid) if principal_uuid else None
    if link is None:
        raise HttpError(403, _("You may not act for this person (or not any more)."))
    acting_user = ActingUser.for_link(link, user)
    if not api_allowed(acting_user.acting.powers, request.path):
        raise HttpError(
            403,
            _("Acting for %(name)s does not include this.")
            % {"name": acting_user.acting.principal_label},
        )
    request.user = acting_user
    request.real_user = user  # type: ignore[attr-defined]
    # Reset by ActingForMiddleware when the request ends.
    set_acting(acting_user.acting)
    return acting_user


class ActingTokenAuth(TokenAuth):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return act_for_api(request, super().authenticate(request, token))


class ActingSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return act_for_api(request, super().authenticate(request, key))


acting_token_auth = ActingTokenAuth()
acting_session_auth = ActingSessionAuth()
# As accounts.api_auth.default_auth: the token first, then the session.
acting_default_auth = [acting_token_auth, acting_session_auth]
