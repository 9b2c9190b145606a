"""Logging filters used by settings.LOGGING."""

from __future__ import annotations

import logging


class DropBadRequest(logging.Filter):
    """Leaves out django.request's "Bad Request" warnings: a form refused with 400 is the
    normal answer to bad input. Every other 4xx and 5xx is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "django.request" and getattr(record, "status_code", None) == 400)
