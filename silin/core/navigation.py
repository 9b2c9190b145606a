"""The navigation a user sees: only destinations that exist and that they may open.

Each app registers its entries in its `AppConfig.ready()`; core names no app::

    navigation.register(NavItem("spaces:space-list", _("Spaces"), "door-open", order=50))

An entry shows when its `visible` predicate holds for the user (default: anyone signed in);
`capability` is a shortcut for "holds this capability somewhere".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

from silin.core.acting import page_allowed
from silin.core.roles import Capability
from silin.core.scoping import scope_for

if TYPE_CHECKING:
    from silin.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    icon: str
    capability: Capability | None = None
    visible: Callable[[User], bool] | None = None
    order: int = 100

    def shows_for(self, user: User) -> bool:
        if self.capability and scope_for(user, self.capability).empty:
            return False
        return self.visible is None or self.visible(user)


_registry: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _registry[item.url_name] = item


def unregister(url_name: str) -> None:
    _registry.pop(url_name, None)


def items() -> list[NavItem]:
    return sorted(_registry.values(), key=lambda i: (i.order, i.url_name))


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    acting = getattr(user, "acting", None)
    entries = []
    for item in items():
        if not item.shows_for(user):
            continue
        if acting is not None and not page_allowed(acting.powers, item.url_name):
            continue  # a proxy acting for someone sees only what the powers open
        url = reverse(item.url_name)
        entries.append(
            {
                "url": url,
                "label": item.label,
                "icon": item.icon,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
            }
        )
    return entries
