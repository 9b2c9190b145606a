"""What family proxies plug into (called from PeopleConfig.ready): notices, the menu,
"My data", the resident's page, the pages a proxy may open, and the copy of notices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silin.accounts.models import User
from silin.core import acting as core_acting
from silin.core import home, navigation, personal_data
from silin.core.acting import Power
from silin.core.roles import STAFF_ROLES
from silin.notifications import copies, kinds
from silin.people import acting, proxy_personal_data, proxy_selectors
from silin.people.proxy_models import ProxyLink
from silin.people.services import proxies


def render_invited(params: Mapping[str, Any]) -> kinds.Rendered:
    return kinds.Rendered(
        _("%(name)s asks you to act for them in Silin") % {"name": params.get("principal", "")},
        _("Open Silin to accept or decline."),
        reverse("people:helping"),
    )


def render_accepted(params: Mapping[str, Any]) -> kinds.Rendered:
    labels = dict(Power.choices)
    powers = "、".join(str(labels[p]) for p in params.get("powers", []) if p in labels)
    return kinds.Rendered(
        _("%(proxy)s now acts for you") % {"proxy": params.get("proxy", "")},
        _("They may: %(powers)s. You can stop them on your “My family” page.") % {"powers": powers},
        reverse("people:family"),
    )


def render_ended(params: Mapping[str, Any]) -> kinds.Rendered:
    state = params.get("state")
    if state == ProxyLink.State.REVOKED:
        title = _("%(principal)s no longer lets you act for them")
    elif state == ProxyLink.State.DECLINED:
        title = _("%(proxy)s declined to act for you")
    else:
        title = _("%(proxy)s no longer acts for you")
    names = {"principal": params.get("principal", ""), "proxy": params.get("proxy", "")}
    return kinds.Rendered(title % names, "", reverse("people:family"))


def _no_staff_role(user: User) -> bool:
    return not (user.roles & STAFF_ROLES)  # the roles are loaded once per request anyway


def resident_section(viewer: User, resident: Any) -> dict[str, Any] | None:
    if not viewer.has_perm("people.change_resident", resident):
        return None
    return {
        "links": proxy_selectors.links_for_resident(actor=viewer, resident=resident),
        "resident": resident,
        "has_account": User.objects.filter(resident=resident).exists(),
    }


def helping_panel(user: User) -> dict[str, Any] | None:
    """For a proxy: act for someone in one tap, and invitations waiting (one query)."""
    context = proxy_selectors.helping_page(actor=user)
    if not context["invitations"] and not context["active"]:
        return None
    return {"invitations": len(context["invitations"]), "active": context["active"]}


def notice_copies(recipient: User) -> list[User]:
    """The proxies holding "receive notices" for `recipient`, for a copy of each notice."""
    proxy_ids = [
        link.proxy_id
        for link in ProxyLink.objects.in_force().filter(principal=recipient)
        if Power.RECEIVE_NOTICES in link.powers
    ]
    return list(User.objects.filter(pk__in=proxy_ids, is_active=True))


def register() -> None:
    user_logged_in.connect(acting.on_login, dispatch_uid="silin.people.acting.on_login")
    kinds.register(proxies.INVITED_NOTICE, render_invited)
    kinds.register(proxies.ENDED_NOTICE, render_ended)
    kinds.register(proxies.ACCEPTED_NOTICE, render_accepted)
    copies.register("people.proxies", notice_copies)
    core_acting.register(
        Power.SEE_MY_DATA,
        url_names=["people:my-data", "people:my-data-download"],
    )
    # Shown to everyone without a staff role (their menu is full; they reach the page from
    # "My data"): asking whether someone helps anyone would cost every page a query, so
    # "My family" links "The people I help" when there are some.
    navigation.register(
        navigation.NavItem(
            "people:family", gettext_lazy("My family"), "people", visible=_no_staff_role, order=85
        )
    )
    personal_data.register("people.proxies", proxy_personal_data.proxy_links, order=82)
    personal_data.register("people.done_for_you", proxy_personal_data.done_for_you, order=84)
    home.register_panel(
        "people.helping", template="people/panels/_helping.html", build=helping_panel, order=5
    )
    home.register_resident_section(
        "people.proxies",
        template="people/panels/_resident_proxies.html",
        build=resident_section,
        order=40,
    )
