"""The request being served, for the audit log: the client address, and who acts for whom.

Both are context variables set by middleware (and, for the API, by its authentication)
for the request's duration, so a service deep below a view can record them.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from silin.core.acting import ActingContext

_ip: ContextVar[str | None] = ContextVar("silin_ip", default=None)
_acting: ContextVar[ActingContext | None] = ContextVar("silin_acting", default=None)


def set_ip(value: str | None):
    return _ip.set(value)


def reset_ip(token) -> None:
    _ip.reset(token)


def current_ip() -> str | None:
    return _ip.get()


def set_acting(value: ActingContext | None) -> Token[ActingContext | None]:
    return _acting.set(value)


def reset_acting(token: Token[ActingContext | None]) -> None:
    _acting.reset(token)


def current_acting() -> ActingContext | None:
    """Set while a proxy acts for a principal (亲情账号); None otherwise."""
    return _acting.get()
