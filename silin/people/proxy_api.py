"""Family proxies (亲情账号) in the API: list, invite, accept, decline, step down, revoke.

Acting for someone is not an endpoint: send `X-Acting-For: <their account UUID>` on any
request (see people.acting). These endpoints never work while acting (403): links are
made and ended by the people themselves.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status

from silin.core.acting import Power
from silin.core.api.errors import error_responses
from silin.core.api.schemas import Input
from silin.people import proxy_selectors as sel
from silin.people.proxy_models import ProxyLink
from silin.people.services import proxies

router = Router(tags=["family proxies"])


class PartyOut(Schema):
    uuid: UUID
    name: str


class ProxyLinkOut(Schema):
    uuid: UUID
    principal: PartyOut = Field(description="The person helped; send their uuid in X-Acting-For.")
    proxy: PartyOut
    relation: str
    powers: list[str]
    state: str
    ends_on: dt.date | None
    consent_method: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    ended_at: dt.datetime | None


class ProxyInviteIn(Input):
    mobile: str = Field(max_length=20, description="The proxy's mobile number.")
    name: str = Field("", max_length=50, description="Needed when the mobile has no account.")
    relation: ProxyLink.Relation
    powers: list[Power] = Field(min_length=1)
    ends_on: dt.date | None = None

    model_config = {"extra": "forbid"}


def _refuse_while_acting(request) -> None:
    if getattr(request.auth, "acting", None) is not None:
        raise PermissionDenied


@router.get(
    "/proxy-links",
    response={200: list[ProxyLinkOut], **error_responses()},
    summary="Links I am a party to: people who act for me and people I act for",
)
def proxy_link_list(request):
    _refuse_while_acting(request)
    user = request.auth
    return list(
        sel.links_visible_to(user).filter(principal=user)
        | sel.links_visible_to(user).filter(proxy=user)
    )


@router.post(
    "/proxy-links",
    response={201: ProxyLinkOut, **error_responses(403, 422)},
    summary="Invite a proxy to act for me (my consent, given on my own phone)",
)
def proxy_link_create(request, payload: ProxyInviteIn):
    _refuse_while_acting(request)
    link = proxies.proxy_invite(
        actor=request.auth,
        principal=request.auth,
        mobile=payload.mobile,
        name=payload.name,
        relation=payload.relation,
        powers=[str(p) for p in payload.powers],
        ends_on=payload.ends_on,
    )
    return Status(201, link)


def _act(request, link_uuid: UUID, action):
    _refuse_while_acting(request)
    link = sel.link_get(actor=request.auth, uuid=link_uuid)
    try:
        return action(actor=request.auth, link=link)
    except PermissionDenied as exc:
        raise Http404 from exc


@router.post(
    "/proxy-links/{uuid:link_uuid}/accept",
    response={200: ProxyLinkOut, **error_responses(404, 422)},
    summary="Accept an invitation to act for someone",
)
def proxy_link_accept(request, link_uuid: UUID):
    return _act(request, link_uuid, proxies.proxy_accept)


@router.post(
    "/proxy-links/{uuid:link_uuid}/decline",
    response={200: ProxyLinkOut, **error_responses(404)},
    summary="Decline an invitation",
)
def proxy_link_decline(request, link_uuid: UUID):
    return _act(request, link_uuid, proxies.proxy_decline)


@router.post(
    "/proxy-links/{uuid:link_uuid}/step-down",
    response={200: ProxyLinkOut, **error_responses(404)},
    summary="Stop acting for someone (the proxy)",
)
def proxy_link_step_down(request, link_uuid: UUID):
    return _act(request, link_uuid, proxies.proxy_step_down)


@router.post(
    "/proxy-links/{uuid:link_uuid}/revoke",
    response={200: ProxyLinkOut, **error_responses(404)},
    summary="Revoke a link (the person helped, or a worker over their record)",
)
def proxy_link_revoke(request, link_uuid: UUID):
    return _act(request, link_uuid, proxies.proxy_revoke)
