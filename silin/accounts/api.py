"""The signed-in user and their personal access tokens."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime as dt
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from silin.accounts.api_auth import session_auth
from silin.accounts.models import AccessToken, RoleAssignment
from silin.accounts.services import token_create, token_revoke
from silin.core.api.errors import error_responses

router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    label: str
    node_type: str = Field(description="street, community or compound")
    node_uuid: UUID
    node_name: str

    @staticmethod
    def resolve_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_node_type(obj: RoleAssignment) -> str:
        return obj.node._meta.model_name

    @staticmethod
    def resolve_node_uuid(obj: RoleAssignment) -> UUID:
        return obj.node.uuid

    @staticmethod
    def resolve_node_name(obj: RoleAssignment) -> str:
        return obj.node.name


class MeOut(Schema):
    uuid: UUID
    name: str
    mobile_masked: str
    elderly_mode: bool
    language: str
    roles: list[RoleOut]

    @staticmethod
    def resolve_roles(obj) -> list[RoleAssignment]:
        return sorted(obj.active_role_assignments(), key=lambda a: (a.role, a.pk))


class TokenOut(Schema):
    uuid: UUID
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool


class TokenCreated(TokenOut):
    secret: str = Field(description="Shown this once; store it now. It cannot be read again.")


class TokenIn(Schema):
    name: str = Field(max_length=80, description="What the token is for, e.g. 'grid tablet'.")

    model_config = {"extra": "forbid"}


@router.get("/me", response={200: MeOut, **error_responses()}, summary="The signed-in user")
def me(request):
    return request.auth


@router.get("/tokens", response={200: list[TokenOut], **error_responses()}, summary="My tokens")
def token_list(request):
    return AccessToken.objects.filter(user=request.auth).order_by("-created_at", "-id")


@router.post(
    "/tokens",
    response={201: TokenCreated, **error_responses(403, 422)},
    auth=[session_auth],
    summary="Make a token (session only)",
    description=(
        "Only a signed-in session can make a token, so a leaked token cannot make more. "
        "The secret is in this answer only."
    ),
)
def token_make(request, payload: TokenIn):
    token, secret = token_create(actor=request.auth, name=payload.name)
    return Status(201, TokenCreated(**TokenOut.from_orm(token).model_dump(), secret=secret))


@router.delete(
    "/tokens/{uuid:token_uuid}",
    response={204: None, **error_responses(403, 404)},
    summary="Revoke one of my tokens",
)
def token_delete(request, token_uuid: UUID):
    token = get_object_or_404(AccessToken, uuid=token_uuid, user=request.auth)
    token_revoke(actor=request.auth, token=token)
    return Status(204, None)
