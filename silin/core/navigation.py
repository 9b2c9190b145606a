"""The navigation a user sees: only destinations that exist and that they may open."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from silin.core.roles import Capability
from silin.core.scoping import scope_for


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    icon: str
    capability: Capability | None = None
    staff_only: bool = False


ITEMS = (
    NavItem("console:home", _("Home"), "house"),
    NavItem("people:resident-list", _("Register"), "people", Capability.VIEW_REGISTER),
    NavItem("places:community-list", _("Places"), "buildings", Capability.VIEW_PLACES),
    NavItem(
        "organizations:organization-list",
        _("Organisations"),
        "diagram-3",
        Capability.VIEW_ORGANIZATIONS,
    ),
    NavItem("spaces:space-list", _("Spaces"), "door-open"),
    NavItem(
        "workbooks:workbook-home",
        _("Import & export"),
        "file-earmark-spreadsheet",
        Capability.EXPORT_REGISTER,
    ),
    NavItem("console:audit-list", _("Audit log"), "journal-text", Capability.VIEW_AUDIT),
)


def nav_for(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    for item in ITEMS:
        if item.capability and scope_for(user, item.capability).empty:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app not installed in this deployment
            continue
        items.append(
            {
                "url": url,
                "label": item.label,
                "icon": item.icon,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
            }
        )
    return items
