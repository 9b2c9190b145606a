"""The catalogue: the street's list of activities, and a community adopting one of them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import CatalogueItem, Category, Stage
from silin.activities.services.common import ActivityError, raise_errors
from silin.core import audit

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.places.models import Community, Street


@dataclass
class ItemData:
    title: str
    category: str
    stage: str
    description: str = ""
    min_age: int | None = None
    max_age: int | None = None
    for_families: bool = False
    for_elderly: bool = False
    for_children: bool = False
    group_size: int = 20
    duration_minutes: int = 120
    cost_yuan: Decimal = Decimal(0)
    materials: str = ""


def _check(data: ItemData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the activity a title.")]
    if data.category not in Category.values:
        errors["category"] = [_("Choose a category from the list.")]
    if data.stage not in Stage.values:
        errors["stage"] = [_("Choose a relationship stage from the list.")]
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors["max_age"] = [_("The oldest age cannot be below the youngest age.")]
    if data.group_size < 1:
        errors["group_size"] = [_("A group has at least one person.")]
    if data.duration_minutes < 15:
        errors["duration_minutes"] = [_("An activity lasts at least 15 minutes.")]
    if data.cost_yuan < 0:
        errors["cost_yuan"] = [_("The cost cannot be negative.")]
    raise_errors(errors)


def _state(item: CatalogueItem) -> dict[str, object]:
    return {f.name: str(getattr(item, f.name)) for f in fields(ItemData)}


@transaction.atomic
def item_create(
    *, actor: User, street: Street, data: ItemData, community: Community | None = None
) -> CatalogueItem:
    """A new item on the street's list (community empty) or on a community's own list."""
    allowed = (
        perms.may_adopt_for(actor, community)
        if community is not None
        else perms.edits_catalogue_item(actor, CatalogueItem(street=street))
    )
    if not allowed:
        raise PermissionDenied
    _check(data)
    item = CatalogueItem.objects.create(
        street=street,
        community=community,
        created_by=actor,
        **{f.name: getattr(data, f.name) for f in fields(ItemData)},
    )
    audit.record(actor=actor, action="create", obj=item, changes=audit.diff({}, _state(item)))
    return item


@transaction.atomic
def item_adopt(*, actor: User, item: CatalogueItem, community: Community) -> CatalogueItem:
    """The community's own copy of a street item, keeping a link to it as its source."""
    if not perms.may_adopt_for(actor, community):
        raise PermissionDenied
    if item.community_id is not None or item.street_id != community.street_id:
        raise ActivityError(_("Only an item of the street's own list can be adopted."))
    copy = CatalogueItem(
        street_id=item.street_id,
        community=community,
        source=item,
        created_by=actor,
        **{f.name: getattr(item, f.name) for f in fields(ItemData)},
    )
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError as exc:
        raise ActivityError(_("This community has already adopted this item.")) from exc
    audit.record(
        actor=actor,
        action="create",
        obj=copy,
        changes=audit.diff({}, _state(copy)),
        detail=f"adopted from {item.uuid}",
    )
    return copy
