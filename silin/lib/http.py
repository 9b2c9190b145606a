"""Small request helpers shared by every app's views."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """The `next` the request asks for (POST, then GET), if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def parse_uuid(value: object) -> uuid.UUID | None:
    """A UUID from a URL or form value; None for anything that is not one (never raises)."""
    if isinstance(value, uuid.UUID):
        return value
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
