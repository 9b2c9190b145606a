"""Input schemas clean text at the boundary, as forms do."""

from __future__ import annotations

from ninja import Field

from silin.core.api.schemas import MULTILINE, Input


class NoteIn(Input):
    name: str
    note: str = Field("", json_schema_extra=MULTILINE)
    tags: list[str] = []
    count: int = 0


def test_every_string_loses_invisible_and_control_characters():
    data = NoteIn(name=" 刘\u200b大爷\x00", note="一\r\n二\u202e", tags=["a\ufeff", "b"], count=3)
    assert data.name == "刘大爷"
    assert data.note == "一\n二"
    assert data.tags == ["a", "b"]
    assert data.count == 3


def test_a_one_line_field_becomes_one_line():
    assert NoteIn(name="一\n二").name == "一 二"
