"""The console's own home panels: those that read across several apps.

Registered in ConsoleConfig.ready like any app's panels (core.home).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from silin.console import selectors
from silin.core import home

if TYPE_CHECKING:
    from silin.accounts.models import User


def street_panel(actor: User) -> dict[str, Any] | None:
    streets = selectors.street_overview_for(actor=actor)
    return {"streets": streets} if streets else None


def register() -> None:
    home.register_panel(
        "console.street", template="console/panels/_street.html", build=street_panel, order=80
    )
