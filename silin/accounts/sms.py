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
    """Prints messages to the server console: for development and the demo."""

    def send(self, mobile: str, message: str) -> None:
        logger.info("SMS to %s: %s", mobile, message)
        print(f"[SMS to {mobile}] {message}", flush=True)  # noqa: T201


class LocmemBackend(BaseBackend):
    def send(self, mobile: str, message: str) -> None:
        outbox.append((mobile, message))


def send_sms(mobile: str, message: str) -> None:
    import_string(settings.SILIN_SMS_BACKEND)().send(mobile, message)
