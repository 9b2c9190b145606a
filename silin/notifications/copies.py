"""Who else gets a copy of a user's notices (a family proxy holding "receive notices").

An app above registers a source in its `AppConfig.ready()`; `notification_send` asks every
source once per notice, so copying happens in one place whatever sent the notice::

    copies.register("people.proxies", lambda user: [...users...])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from silin.accounts.models import User

Source = Callable[["User"], list["User"]]

_sources: dict[str, Source] = {}


def register(key: str, source: Source) -> None:
    _sources[key] = source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def recipients_for(user: User) -> list[User]:
    """Everyone to copy `user`'s notices to, once each, never `user` themselves."""
    seen: dict[int, User] = {}
    for source in _sources.values():
        for other in source(user):
            if other.pk != user.pk:
                seen.setdefault(other.pk, other)
    return list(seen.values())
