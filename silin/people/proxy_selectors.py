"""Reads for family proxies: the principal's family page, the proxy's list, one link."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from silin.accounts.models import User
from silin.core.access import get_object_for_actor, require_perm
from silin.core.roles import Capability
from silin.people.models import Guardian, Resident
from silin.people.proxy_models import ProxyLink


def links_visible_to(actor: User) -> QuerySet[ProxyLink]:
    """Links the actor is a party to, or whose principal's record the actor may edit."""
    editable = Resident.objects.visible_to(actor, Capability.EDIT_REGISTER).values("pk")
    return ProxyLink.objects.filter(
        Q(principal=actor) | Q(proxy=actor) | Q(principal__resident__in=editable)
    ).select_related("principal__resident", "proxy", "consent_recorded_by", "ended_by")


def link_get(*, actor: User, uuid: object) -> ProxyLink:
    return get_object_for_actor(links_visible_to(actor), uuid=uuid)


def family_page(*, actor: User) -> dict[str, Any]:
    today = timezone.localdate()
    links = list(
        ProxyLink.objects.filter(principal=actor).select_related("proxy", "consent_recorded_by")
    )

    def current_(lk: ProxyLink) -> bool:
        return lk.state == ProxyLink.State.INVITED or lk.in_force_on(today)

    current = [lk for lk in links if current_(lk)]
    history = [lk for lk in links if not current_(lk)]
    guardians: list[Guardian] = []
    wards: list[Guardian] = []
    if actor.resident_id:
        guardians = list(
            Guardian.objects.filter(minor_id=actor.resident_id).select_related("guardian")
        )
        wards = list(Guardian.objects.filter(guardian_id=actor.resident_id).select_related("minor"))
    return {
        "current": current,
        "history": history,
        "guardians": guardians,
        "wards": wards,
        "today": today,
        "helping": ProxyLink.objects.filter(proxy=actor).open().exists(),
    }


def helping_page(*, actor: User) -> dict[str, Any]:
    links = list(ProxyLink.objects.filter(proxy=actor).select_related("principal"))
    today = timezone.localdate()
    return {
        "invitations": [lk for lk in links if lk.state == ProxyLink.State.INVITED],
        "active": [lk for lk in links if lk.in_force_on(today)],
        "ended": [
            lk
            for lk in links
            if lk.state not in ProxyLink.OPEN_STATES
            or (lk.state == ProxyLink.State.ACTIVE and not lk.in_force_on(today))
        ],
    }


def links_for_resident(*, actor: User, resident: Resident) -> list[ProxyLink]:
    """For the resident's page in the register (a worker who may edit the record)."""
    return list(
        ProxyLink.objects.filter(principal__resident=resident).select_related(
            "proxy", "consent_recorded_by"
        )
    )


def resident_with_account(*, actor: User, uuid: object) -> Resident:
    """A resident the worker may edit, who has an account to be acted for."""
    resident = get_object_for_actor(
        Resident.objects.visible_to(actor, Capability.EDIT_REGISTER),
        uuid=uuid,
    )
    require_perm(actor, "people.change_resident", resident)
    account = User.objects.filter(resident=resident).first()
    if account is None:
        raise Http404
    resident.account = account
    return resident
