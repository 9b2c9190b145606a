"""Pluggable SMS backends, chosen by SILIN_SMS_BACKEND like Django's e-mail backends."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("silin.sms")

outbox: list[tuple[str, str]] = []  # filled by LocmemBackend, read by tests


class BaseBackend:
    def send(self, mobile: str, message: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Writes messages to the server console (the silin.sms log): for development and the
    demo, where the one-time codes are read off the terminal."""

    def send(self, mobile: str, message: str) -> None:
        logger.info("SMS to %s: %s", mobile, message)


class LocmemBackend(BaseBackend):
    def send(self, mobile: str, message: str) -> None:
        outbox.append((mobile, message))


def send_sms(mobile: str, message: str) -> None:
    import_string(settings.SILIN_SMS_BACKEND)().send(mobile, message)
