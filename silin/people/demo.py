"""The demo street's family proxies (亲情账号).

刘大爷's daughter 刘晓红 lives in another city; with a community worker at his side he
granted her, on a signed paper, the right to book spaces and to receive his notices, and
she accepted. Earlier he had let a carer act for him on his own phone and revoked it: the
one ended link in his history. Everything goes through the services, so it is audited as
it would be in real use. Safe to run twice: nothing is added once 刘大爷 has a link.
"""

from __future__ import annotations

from silin.accounts.models import User
from silin.core.acting import Power
from silin.core.roles import Role
from silin.core.seeding import DemoContext
from silin.people.proxy_models import ProxyLink
from silin.people.services import proxies

CARER_NAME = "陈阿姨"
CARER_MOBILE = "13800000013"
PAPER_NUMBER = "SJ-2026-0118"


def seed(ctx: DemoContext) -> None:
    daughter_login = ctx.family.get("liu_daughter")
    liu = User.objects.filter(mobile=ctx.logins[Role.RESIDENT].mobile).first()
    worker = User.objects.filter(mobile=ctx.logins[Role.COMMUNITY_WORKER].mobile).first()
    daughter = User.objects.filter(mobile=daughter_login.mobile).first() if daughter_login else None
    if liu is None or worker is None or daughter is None:
        return
    if ProxyLink.objects.filter(principal=liu).exists():
        return
    carer_link = proxies.proxy_invite(
        actor=liu,
        principal=liu,
        mobile=CARER_MOBILE,
        name=CARER_NAME,
        relation=ProxyLink.Relation.CARER,
        powers=[Power.BOOK_SPACES],
    )
    proxies.proxy_accept(actor=carer_link.proxy, link=carer_link)
    proxies.proxy_revoke(actor=liu, link=carer_link)
    link = proxies.proxy_invite(
        actor=worker,
        principal=liu,
        mobile=daughter.mobile,
        relation=ProxyLink.Relation.DAUGHTER,
        powers=[Power.BOOK_SPACES, Power.RECEIVE_NOTICES],
        paper_number=PAPER_NUMBER,
    )
    proxies.proxy_accept(actor=daughter, link=link)
    ctx.counts["people.proxylink"] = ctx.counts.get("people.proxylink", 0) + 2
    ctx.log("Family proxies: 刘大爷's daughter may book and receive his notices.")
