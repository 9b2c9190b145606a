"""Reads of renewal records: staff who run spaces or read their figures, in their scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib.http import parse_uuid
from silin.places.models import Community, Compound
from silin.spaces import permissions as perms
from silin.spaces.models import RenewalRecord
from silin.spaces.selectors.spaces import scope_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from silin.accounts.models import User

    Actor = User | AnonymousUser


def _renewal_q(actor: Actor) -> Q:
    q = Q(pk__in=[])
    for cap in (Capability.MANAGE_SPACES, Capability.VIEW_SPACE_FIGURES):
        q |= scope_q(scope_for(actor, cap))
    return q


def renewal_record_list(*, actor: Actor) -> QuerySet[RenewalRecord]:
    """Renewal records in the actor's MANAGE_SPACES or VIEW_SPACE_FIGURES scope."""
    if not perms.authenticated(actor):
        return RenewalRecord.objects.none()
    return (
        RenewalRecord.objects.filter(_renewal_q(actor))
        .select_related("community", "compound", "space")
        .order_by("-started_on", "title", "id")
    )


def renewal_record_get(*, actor: Actor, uuid: object) -> RenewalRecord:
    value = parse_uuid(uuid)
    record = (
        (
            renewal_record_list(actor=actor).select_related("community__street").filter(uuid=value)
        ).first()
        if value
        else None
    )
    if record is None:
        raise Http404
    return record


def renewal_record_totals(records: QuerySet[RenewalRecord]) -> dict[str, Any]:
    """How many records, how many became a space, and what they cost: one query."""
    return records.aggregate(
        n=Count("id"),
        opened=Count("id", filter=Q(status=RenewalRecord.Status.OPENED)),
        cost=Sum("cost"),
    )


def renewal_communities(*, actor: Actor) -> QuerySet[Community]:
    """The communities where `actor` may record a renewal (their MANAGE_SPACES scope)."""
    scope = scope_for(actor, Capability.MANAGE_SPACES)
    return (
        Community.objects.filter(
            scope.q(street="street_id", community="id", compound="compounds__id")
        )
        .distinct()
        .order_by("name")
    )


def renewal_compounds(*, actor: Actor) -> QuerySet[Compound]:
    """The compounds where `actor` may record a renewal."""
    scope = scope_for(actor, Capability.MANAGE_SPACES)
    return (
        Compound.objects.filter(
            scope.q(street="community__street_id", community="community_id", compound="id")
        )
        .select_related("community")
        .order_by("community__name", "name")
    )
