"""Small output schemas shared by several apps' endpoints."""

from __future__ import annotations

from uuid import UUID

from ninja import Schema


class NodeRef(Schema):
    """A node of the tree (street, community, compound) by its UUID and name."""

    uuid: UUID
    name: str
