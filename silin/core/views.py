from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from silin.accounts.services import preferences_update
from silin.core.context_processors import ELDERLY_COOKIE, is_elderly_mode


def _safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
def elderly_toggle(request):
    """Switches 长辈版 on or off: remembered on the account, or in a cookie before login."""
    enabled = not is_elderly_mode(request)
    response = HttpResponseRedirect(_safe_next(request))
    if request.user.is_authenticated:
        preferences_update(user=request.user, elderly_mode=enabled)
    response.set_cookie(
        ELDERLY_COOKIE, "1" if enabled else "0", max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@login_required
def home(request):
    return render(request, "core/home.html", {})
