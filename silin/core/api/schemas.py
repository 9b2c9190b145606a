"""Schemas shared by several apps' endpoints, and the base of every input schema."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import ValidationInfo, field_validator

from silin.lib.text import clean_text

MULTILINE: dict[str, Any] = {"x-multiline": True}
"""`Field(json_schema_extra=MULTILINE)` keeps a text field's line breaks (a note, a body)."""


class Input(Schema):
    """The base of every input schema: text is normalised at the boundary (lib.text).

    Every string value, in lists too, loses invisible and control characters and is put in
    NFC before validation, so "刘\\u200b大爷" is stored as "刘大爷"; a field marked
    MULTILINE keeps its line breaks. Filters (query parameters) use it as well.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        extra = field.json_schema_extra if field is not None else None
        multiline = isinstance(extra, dict) and bool(extra.get("x-multiline"))
        return _clean(value, multiline=multiline)


def _clean(value: Any, *, multiline: bool) -> Any:
    if isinstance(value, str):
        return clean_text(value, multiline=multiline)
    if isinstance(value, list):
        return [_clean(v, multiline=multiline) for v in value]
    return value


class NodeRef(Schema):
    """A node of the tree (street, community, compound) by its UUID and name."""

    uuid: UUID
    name: str
