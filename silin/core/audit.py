"""Writing to the audit log. Services call `record`; nothing else writes entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from silin.core.models import AuditEntry
from silin.core.request_context import current_acting, current_ip
from silin.lib.prepared import insert

SENSITIVE_FIELDS = frozenset({"id_number", "mobile", "password", "token", "code"})
MASK = "***"


def _display(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_display(v) for v in value]
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}, sensitive values masked."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in SENSITIVE_FIELDS:
            changes[key] = [MASK if old else "", MASK if new else ""]
        else:
            changes[key] = [_display(old), _display(new)]
    return changes


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def node_of(obj: Any) -> tuple[int | None, int | None, int | None, str]:
    """The street, community and compound an object belongs to, and a readable path."""
    locate = getattr(obj, "tree_node", None)
    if callable(locate):
        return locate()
    return None, None, None, ""


def record(
    *,
    actor,
    action: str,
    obj: Any = None,
    object_type: str | None = None,
    changes: Mapping[str, Any] | None = None,
    detail: str = "",
) -> AuditEntry:
    no_node: tuple[None, None, None, str] = (None, None, None, "")
    street_id, community_id, compound_id, node_label = node_of(obj) if obj else no_node
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_id, actor_label = (actor_obj.pk, str(actor_obj)) if actor_obj else (None, "")
    behalf_id, behalf_label = None, ""
    acting = current_acting()
    if acting is not None and actor_id == acting.principal_id:
        # A proxy acting for the principal: the entry names both people.
        actor_id, actor_label = acting.proxy_id, acting.proxy_label
        behalf_id, behalf_label = acting.principal_id, acting.principal_label
    entry = AuditEntry(
        actor_id=actor_id,
        actor_label=actor_label,
        on_behalf_of_id=behalf_id,
        on_behalf_of_label=behalf_label,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_uuid=str(getattr(obj, "uuid", "") or "") if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        street_id=street_id,
        community_id=community_id,
        compound_id=compound_id,
        node_label=node_label[:200],
        changes=dict(changes or {}),
        detail=detail[:300],
        ip_address=current_ip(),
    )
    insert([entry])  # compiled once: every audited write pays for it (`lib.prepared`)
    return entry
