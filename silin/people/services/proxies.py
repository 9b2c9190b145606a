"""Family proxies (亲情账号): invite, accept, decline, revoke, step down; and who may act.

Consent runs both ways: the principal consents first (on their own phone, or in person
with a worker who records the signed paper's number), then the proxy accepts. The limits
(5 proxies per principal, 5 principals per proxy) are checked with both accounts' rows
locked, in primary-key order, so concurrent grants never pass them (test_races_proxies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.accounts.models import User
from silin.core import audit
from silin.core.acting import Power
from silin.core.request_context import current_acting
from silin.lib import phones
from silin.notifications.services import notification_send
from silin.people.models import ADULT_AGE
from silin.people.proxy_models import (
    MAX_PRINCIPALS_PER_PROXY,
    MAX_PROXIES_PER_PRINCIPAL,
    ProxyLink,
)

INVITED_NOTICE = "proxy_invited"
ENDED_NOTICE = "proxy_ended"
ACCEPTED_NOTICE = "proxy_accepted"

# The only powers a link may hold. Staff powers are not among them at all: an acting
# request holds no role (see ActingUser), so no link can pass one on.
VALID_POWERS = frozenset(Power.values)


def _check_powers(powers: Iterable[str]) -> list[str]:
    chosen = [p for p in Power.values if p in set(powers)]
    if not chosen:
        raise ValidationError({"powers": [_("Choose at least one thing the proxy may do.")]})
    if set(powers) - VALID_POWERS:
        raise ValidationError({"powers": [_("Choose among the powers listed.")]})
    return chosen


def _not_acting() -> None:
    # No proxy of a proxy: links are never made, accepted or changed while acting.
    if current_acting() is not None:
        raise PermissionDenied(_("This cannot be done while acting for someone else."))


def _proxy_user(*, mobile: str, name: str) -> User:
    """The proxy's account: an existing one for this mobile, or a new one signing in by
    SMS code (which is how an outsider's mobile is verified)."""
    number = phones.normalise(mobile)
    if not phones.is_valid(number):
        raise ValidationError(
            {"mobile": [_("A mobile number has 11 digits and starts with 13 to 19.")]}
        )
    user = User.objects.filter(mobile=number).first()
    if user is not None:
        return user
    if not name:
        raise ValidationError(
            {"name": [_("Give the proxy's name: this mobile has no account yet.")]}
        )
    return User.objects.create_user(mobile=number, name=name)


def _check_parties(principal: User, proxy: User, today: dt.date) -> None:
    if principal.pk == proxy.pk:
        raise ValidationError({"mobile": [_("A person cannot be their own proxy.")]})
    if not proxy.is_active:
        raise ValidationError({"mobile": [_("This account cannot be a proxy.")]})
    resident = proxy.resident
    if resident is not None and resident.age_on(today) < ADULT_AGE:
        raise ValidationError({"mobile": [_("A proxy must be an adult (18 or over).")]})


def _lock_and_count(principal: User, proxy: User, exclude: ProxyLink | None = None) -> None:
    """Lock both accounts (in pk order, so two grants cannot deadlock) and check the limits."""
    list(User.objects.select_for_update().filter(pk__in=[principal.pk, proxy.pk]).order_by("pk"))
    open_links = ProxyLink.objects.open()
    if exclude is not None:
        open_links = open_links.exclude(pk=exclude.pk)
    if open_links.filter(principal=principal, proxy=proxy).exists():
        raise ValidationError({"mobile": [_("This person is already your proxy or invited.")]})
    if open_links.filter(principal=principal).count() >= MAX_PROXIES_PER_PRINCIPAL:
        raise ValidationError(
            {
                "mobile": [
                    _("A person may have at most %(n)d proxies.") % {"n": MAX_PROXIES_PER_PRINCIPAL}
                ]
            }
        )
    if open_links.filter(proxy=proxy).count() >= MAX_PRINCIPALS_PER_PROXY:
        raise ValidationError(
            {
                "mobile": [
                    _("A proxy may help at most %(n)d people.") % {"n": MAX_PRINCIPALS_PER_PROXY}
                ]
            }
        )


@transaction.atomic
def proxy_invite(
    *,
    actor: User,
    principal: User,
    mobile: str,
    name: str = "",
    relation: str,
    powers: Iterable[str],
    ends_on: dt.date | None = None,
    paper_number: str = "",
) -> ProxyLink:
    """The principal's consent to a proxy, waiting for the proxy to accept.

    `actor` is the principal (consent on their own phone) or a worker who may edit the
    principal's register record (consent in person, with the signed paper's number).
    """
    _not_acting()
    today = timezone.localdate()
    in_person = actor.pk != principal.pk
    if in_person:
        resident = principal.resident
        if resident is None or not actor.has_perm("people.change_resident", resident):
            raise PermissionDenied
        if not paper_number.strip():
            raise ValidationError({"paper_number": [_("Give the number of the signed paper.")]})
    if relation not in ProxyLink.Relation.values:
        raise ValidationError({"relation": [_("Choose a relation.")]})
    if ends_on is not None and ends_on < today:
        raise ValidationError({"ends_on": [_("The end date cannot be in the past.")]})
    chosen = _check_powers(powers)
    proxy = _proxy_user(mobile=mobile, name=name.strip())
    _check_parties(principal, proxy, today)
    _lock_and_count(principal, proxy)
    link = ProxyLink.objects.create(
        principal=principal,
        proxy=proxy,
        relation=relation,
        powers=chosen,
        ends_on=ends_on,
        consent_method=(
            ProxyLink.ConsentMethod.IN_PERSON if in_person else ProxyLink.ConsentMethod.OWN_PHONE
        ),
        consent_paper_number=paper_number.strip() if in_person else "",
        consent_recorded_by=actor if in_person else None,
    )
    audit.record(
        actor=actor,
        action="grant",
        obj=link,
        changes=audit.diff({}, {"powers": chosen, "relation": relation, "ends_on": ends_on}),
        detail=f"proxy:{link.consent_method}",
    )
    notification_send(
        user=proxy,
        kind=INVITED_NOTICE,
        params={"principal": str(principal), "link": link.uuid},
        sms=True,
        copies_allowed=False,
    )
    return link


def _locked_link(link: ProxyLink) -> ProxyLink:
    return (
        ProxyLink.objects.select_for_update().select_related("principal", "proxy").get(pk=link.pk)
    )


@transaction.atomic
def proxy_accept(*, actor: User, link: ProxyLink) -> ProxyLink:
    _not_acting()
    if link.proxy_id != actor.pk:
        raise PermissionDenied
    _lock_and_count(link.principal, link.proxy, exclude=link)
    link = _locked_link(link)
    if link.state != ProxyLink.State.INVITED:
        raise ValidationError(_("This invitation is no longer open."))
    _check_parties(link.principal, link.proxy, timezone.localdate())
    link.state = ProxyLink.State.ACTIVE
    link.accepted_at = timezone.now()
    link.save(update_fields=["state", "accepted_at"])
    audit.record(actor=actor, action="update", obj=link, changes={"state": ["invited", "active"]})
    notification_send(
        user=link.principal,
        kind=ACCEPTED_NOTICE,
        params={"proxy": str(link.proxy), "powers": list(link.powers)},
        copies_allowed=False,  # the other proxies need not learn of this one
    )
    return link


@transaction.atomic
def proxy_decline(*, actor: User, link: ProxyLink) -> ProxyLink:
    _not_acting()
    if link.proxy_id != actor.pk:
        raise PermissionDenied
    return _end(actor=actor, link=link, state=ProxyLink.State.DECLINED, from_states=("invited",))


@transaction.atomic
def proxy_step_down(*, actor: User, link: ProxyLink) -> ProxyLink:
    _not_acting()
    if link.proxy_id != actor.pk:
        raise PermissionDenied
    return _end(actor=actor, link=link, state=ProxyLink.State.STEPPED_DOWN)


def may_revoke(actor: User, link: ProxyLink) -> bool:
    if actor.pk == link.principal_id:
        return True
    resident = link.principal.resident
    return resident is not None and actor.has_perm("people.change_resident", resident)


@transaction.atomic
def proxy_revoke(*, actor: User, link: ProxyLink) -> ProxyLink:
    """The principal (or a worker over their record) ends a link at once."""
    _not_acting()
    if not may_revoke(actor, link):
        raise PermissionDenied
    return _end(actor=actor, link=link, state=ProxyLink.State.REVOKED)


def _end(
    *,
    actor: User,
    link: ProxyLink,
    state: str,
    from_states: tuple[str, ...] = ProxyLink.OPEN_STATES,
) -> ProxyLink:
    link = _locked_link(link)
    if link.state not in from_states:
        return link  # already ended: nothing changes, nothing is recorded twice
    before = link.state
    link.state = state
    link.ended_at = timezone.now()
    link.ended_by = actor
    link.save(update_fields=["state", "ended_at", "ended_by"])
    audit.record(
        actor=actor,
        action="revoke" if state == ProxyLink.State.REVOKED else "update",
        obj=link,
        changes={"state": [before, state]},
    )
    other = link.proxy if actor.pk != link.proxy_id else link.principal
    notification_send(
        user=other,
        kind=ENDED_NOTICE,
        params={
            "principal": str(link.principal),
            "proxy": str(link.proxy),
            "state": state,
        },
        copies_allowed=False,
    )
    return link


def proxy_links_end_for(*, actor: User | None, users: Iterable[User], detail: str) -> int:
    """End every open link in which any of `users` is principal or proxy, without notices
    (the resident's record is being erased: nobody is to act for or through it any more).
    Each end is audited; returns how many links ended."""
    ids = [u.pk for u in users]
    links = list(
        ProxyLink.objects.select_for_update()
        .filter(Q(principal_id__in=ids) | Q(proxy_id__in=ids), state__in=ProxyLink.OPEN_STATES)
        .order_by("pk")
    )
    now = timezone.now()
    for link in links:
        before = link.state
        link.state, link.ended_at, link.ended_by = ProxyLink.State.REVOKED, now, actor
        link.save(update_fields=["state", "ended_at", "ended_by"])
        audit.record(
            actor=actor,
            action="revoke",
            obj=link,
            changes={"state": [before, link.state]},
            detail=detail,
        )
    return len(links)


def link_in_force(*, proxy: User, link_uuid: object) -> ProxyLink | None:
    """The link under which `proxy` may act now, read fresh on every request (so a
    revocation applies to the very next one, an open session included)."""
    return (
        ProxyLink.objects.in_force()
        .select_related("principal")
        .filter(uuid=link_uuid, proxy=proxy, principal__is_active=True)
        .first()
    )


def link_for_principal(*, proxy: User, principal_uuid: object) -> ProxyLink | None:
    """The API's way in: X-Acting-For names the principal's account UUID."""
    return (
        ProxyLink.objects.in_force()
        .select_related("principal")
        .filter(principal__uuid=principal_uuid, proxy=proxy, principal__is_active=True)
        .first()
    )
