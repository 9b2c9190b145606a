"""Helpers of the family-proxy tests: 刘大爷's daughter, living outside the street."""

from __future__ import annotations

from silin.accounts.tests.factories import UserFactory
from silin.core.acting import Power
from silin.people.proxy_models import ProxyLink
from silin.people.services import proxies

DAUGHTER_MOBILE = "13700000001"


def make_daughter():
    return UserFactory(name="刘小红", mobile=DAUGHTER_MOBILE)


def grant(principal, proxy, *, actor=None, powers=(Power.BOOK_SPACES,), accept=True, **kw):
    kwargs = {"relation": ProxyLink.Relation.DAUGHTER, "powers": list(powers), **kw}
    if actor is not None and actor != principal:
        kwargs.setdefault("paper_number", "SJ-2026-001")
    link = proxies.proxy_invite(
        actor=actor or principal, principal=principal, mobile=proxy.mobile, **kwargs
    )
    if accept:
        link = proxies.proxy_accept(actor=proxy, link=link)
    return link


def grant_booking_link(cast, daughter):
    """刘大爷 grants his daughter, with a worker at his side: book spaces, receive notices."""
    return grant(
        cast.liu, daughter, actor=cast.worker, powers=(Power.BOOK_SPACES, Power.RECEIVE_NOTICES)
    )
