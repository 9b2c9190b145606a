from __future__ import annotations

from django.conf import settings

from silin.core.navigation import nav_for

ELDERLY_COOKIE = "silin_elderly"
# 长辈版 switched before login in this visit: the login carries it into the account.
ELDERLY_CHOICE = "silin_elderly_choice"


def is_elderly_mode(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elderly_mode)
    return request.COOKIES.get(ELDERLY_COOKIE) == "1"


def silin(request):
    return {
        "elderly_mode": is_elderly_mode(request),
        "ui_languages": settings.LANGUAGES,
        "nav_items": nav_for(request) if hasattr(request, "user") else [],
        # Set while a family proxy acts for someone (people.acting): the header says so.
        "acting": getattr(request, "silin_acting", None),
        # [[url, name], ...]: the people a proxy may act for, for the header's switch.
        "acting_switch": getattr(request, "silin_helps", None),
    }
