"""Reads of the workbooks app, each starting from what the actor may see."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.http import Http404

from silin.core.access import get_object_for_actor
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib import crypto, masking
from silin.people.models import Resident, Tag
from silin.places.models import Community, Compound, Street
from silin.workbooks import columns as c
from silin.workbooks.models import ImportJob

if TYPE_CHECKING:
    from silin.accounts.models import User

CHUNK = 2000


def import_job_list(*, actor: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(actor).select_related("created_by")


def import_job_get(*, actor: User, uuid: object) -> ImportJob:
    """A job in the actor's import scope that they may follow, apply or cancel; else 404."""
    return get_object_for_actor(
        import_job_list(actor=actor), uuid=uuid, perm="workbooks.change_importjob", actor=actor
    )


@dataclass(frozen=True)
class Node:
    """A street, community or compound the register is exported below."""

    kind: str
    obj: Street | Community | Compound

    def __str__(self) -> str:
        return self.label

    @property
    def uuid(self) -> uuid_lib.UUID:
        return self.obj.uuid

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.obj.uuid}"

    @property
    def label(self) -> str:
        if isinstance(self.obj, Compound):
            return f"{self.obj.community.name} · {self.obj.name}"
        return self.obj.name

    def ids(self) -> tuple[int | None, int | None, int | None]:
        obj = self.obj
        if isinstance(obj, Street):
            return obj.pk, None, None
        if isinstance(obj, Community):
            return obj.street_id, obj.pk, None
        return obj.community.street_id, obj.community_id, obj.pk

    def tree_node(self) -> tuple[int | None, int | None, int | None, str]:
        street_id, community_id, compound_id = self.ids()
        return street_id, community_id, compound_id, self.label


def export_nodes(*, actor: User) -> list[Node]:
    """Every node the actor may export: their streets, communities and compounds."""
    cap = Capability.EXPORT_REGISTER
    scope = scope_for(actor, cap)
    nodes: list[Node] = []
    streets = (
        Street.objects.filter(id__in=scope.street_ids)
        if not scope.everything
        else Street.objects.all()
    )
    nodes += [Node("street", s) for s in streets]
    nodes += [Node("community", x) for x in Community.objects.visible_to(actor, cap)]
    compounds = Compound.objects.visible_to(actor, cap).select_related("community")
    nodes += [Node("compound", x) for x in compounds.order_by("community__name", "name")]
    return nodes


def export_node_get(*, actor: User, value: str) -> Node:
    kind, _sep, uuid = (value or "").partition(":")
    for node in export_nodes(actor=actor):
        if node.kind == kind and str(node.obj.uuid) == uuid:
            return node
    raise Http404


def may_reveal(*, actor: User, node: Node) -> bool:
    street_id, community_id, compound_id = node.ids()
    return scope_for(actor, Capability.REVEAL_PERSONAL).covers(
        street_id=street_id, community_id=community_id, compound_id=compound_id
    )


EXPORT_VALUES = (
    "id",
    "uuid",
    "name",
    "gender",
    "birth_date",
    "id_number_encrypted",
    "mobile_encrypted",
    "relation",
    "status",
    "note",
    "community__name",
    "household__compound__name",
    "household__unit__building__number",
    "household__unit__number",
    "household__floor",
    "household__door",
)


def _residents(actor: User, node: Node) -> QuerySet[Resident, dict[str, Any]]:
    filters = {
        "street": {"community__street": node.obj},
        "community": {"community": node.obj},
        "compound": {"household__compound": node.obj},
    }[node.kind]
    return (
        Resident.objects.visible_to(actor, Capability.EXPORT_REGISTER)
        .filter(**filters)
        .order_by(
            "community__name",
            "household__compound__name",
            "household__unit__building__number",
            "household__unit__number",
            "household__door",
            "id",
        )
        .values(*EXPORT_VALUES)
    )


# One column's cell from a resident's values and tag ids.
Getter = Callable[[dict[str, Any], list[int]], Any]


class RowMaker:
    """Turns a resident's values into the cells of the chosen columns."""

    def __init__(self, keys: list[str], reveal: bool) -> None:
        self.keys = keys
        self.reveal = reveal
        self.tags = {t.pk: t for t in Tag.objects.all()}
        self.getters: list[Getter] | None = None

    def _tags(self, tag_ids: list[int]) -> str:
        tags = sorted((self.tags[t] for t in tag_ids), key=lambda t: (t.order, t.code))
        names = [t.name for t in tags if self.reveal or not t.sensitive]
        if not self.reveal and any(t.sensitive for t in tags):
            names.append(c.HIDDEN_TAGS)
        return "、".join(names)

    def _secret(self, token: str, mask: Callable[[str], str]) -> str:
        value = crypto.decrypt(token)
        return value if self.reveal else mask(value)

    def _getters(self) -> list[Getter]:
        """One function per chosen column, built once (not per row: 200,000 rows)."""
        secret = self._secret

        def field(name: str) -> Getter:
            return lambda item, tags: item[name]

        def label(name: str, mapping: dict[str, str]) -> Getter:
            return lambda item, tags: c.label_of(mapping, item[name])

        table: dict[str, Getter] = {
            "record": lambda item, tags: str(item["uuid"]),
            "community": field("community__name"),
            "compound": field("household__compound__name"),
            "building": field("household__unit__building__number"),
            "unit": field("household__unit__number"),
            "floor": field("household__floor"),
            "door": field("household__door"),
            "name": field("name"),
            "gender": label("gender", c.GENDERS),
            "birth_date": field("birth_date"),
            "id_number": lambda item, tags: secret(
                item["id_number_encrypted"], masking.mask_id_number
            ),
            "mobile": lambda item, tags: secret(item["mobile_encrypted"], masking.mask_mobile),
            "relation": label("relation", c.RELATIONS),
            "status": label("status", c.STATUSES),
            "tags": lambda item, tags: self._tags(tags),
            "note": field("note"),
        }
        return [table[key] for key in self.keys]

    def cells(self, item: dict[str, Any], tag_ids: list[int]) -> list[Any]:
        if self.getters is None:
            self.getters = self._getters()
        return [get(item, tag_ids) for get in self.getters]


def export_rows(*, actor: User, node: Node, keys: list[str], reveal: bool) -> Iterator[list[Any]]:
    """The rows of the export, read in chunks (flat memory at street scale)."""
    maker = RowMaker(keys, reveal)
    through = Resident.tags.through
    chunk: list[dict[str, Any]] = []
    for item in _residents(actor, node).iterator(chunk_size=CHUNK):
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(maker, through, chunk)
            chunk = []
    yield from _chunk_rows(maker, through, chunk)


def _chunk_rows(
    maker: RowMaker, through: type[Model], chunk: list[dict[str, Any]]
) -> Iterator[list[Any]]:
    if not chunk:
        return
    tags: dict[int, list[int]] = {}
    links = through._default_manager.filter(resident_id__in=[i["id"] for i in chunk])
    for resident_id, tag_id in links.values_list("resident_id", "tag_id"):
        tags.setdefault(resident_id, []).append(tag_id)
    for item in chunk:
        yield maker.cells(item, tags.get(item["id"], []))
