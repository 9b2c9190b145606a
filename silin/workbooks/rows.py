"""One row of a register workbook: from cell values to checked fields, with every error."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils import timezone

from silin.lib.crypto import lookup_hash
from silin.people.validation import check_id_number, check_mobile
from silin.workbooks import columns as c


class RowError(NamedTuple):
    """An error in one cell: its column, a code of silin.workbooks.messages and plain
    params. Never a sentence: the check runs in the worker's language, not the reader's."""

    column: str
    code: str
    params: dict[str, Any]


KEEP = "\x00keep"  # a masked value: the register's value stays as it is
MAX_LENGTHS = {"name": 50, "note": 300, "building": 20, "unit": 20, "door": 20}


@dataclass
class Row:
    number: int
    record: str = ""
    community: str = ""
    compound: str = ""
    building: str = ""
    unit: str = ""
    floor: int = 0
    door: str = ""
    name: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    id_number: str = ""
    id_hash: str = ""
    mobile: str = ""
    mobile_hash: str = ""
    relation: str = "head"
    status: str = "living"
    tags: list[str] = field(default_factory=list)
    keep_sensitive: bool = False
    note: str = ""
    errors: list[RowError] = field(default_factory=list)

    def error(self, key: str, code: str, **params: Any) -> None:
        self.errors.append(RowError(key, code, params))

    def has_error(self, key: str) -> bool:
        return any(e.column == key for e in self.errors)


class RowParser:
    """Turns cell values into a `Row`; `tags` maps every accepted tag name to its code."""

    def __init__(self, keys: dict[str, int], tags: dict[str, str]) -> None:
        self.keys = keys
        self.tags = tags
        self.today = timezone.localdate()

    def cell(self, values: tuple, key: str):
        i = self.keys.get(key)
        return values[i] if i is not None and i < len(values) else None

    def parse(self, number: int, values: tuple) -> Row:
        row = Row(number=number)
        cells = {key: self.cell(values, key) for key in self.keys}
        for key, value in cells.items():
            if isinstance(value, str) and value.startswith("="):
                row.error(key, "cell.formula")
                cells[key] = None
        self._place(row, cells)
        self._person(row, cells)
        self._identity(row, cells)
        self._enumerations(row, cells)
        return row

    def _required_text(self, row: Row, cells: dict, key: str) -> str:
        value = c.text(cells.get(key))
        if not value and not row.has_error(key):
            row.error(key, "cell.required")
        limit = MAX_LENGTHS.get(key)
        if limit and len(value) > limit:
            row.error(key, "cell.too_long", n=limit)
        return value

    def _place(self, row: Row, cells: dict) -> None:
        row.record = c.text(cells.get("record"))
        if row.record:
            try:
                row.record = str(uuid.UUID(row.record))
            except ValueError:
                row.error("record", "record.not_a_record")
        for key in ("community", "compound", "building", "unit", "door"):
            setattr(row, key, self._required_text(row, cells, key))
        try:
            row.floor = c.parse_floor(cells.get("floor"))
        except c.CellError as exc:
            row.error("floor", exc.code, **exc.params)

    def _person(self, row: Row, cells: dict) -> None:
        row.name = self._required_text(row, cells, "name")
        row.note = c.text(cells.get("note"))
        if len(row.note) > MAX_LENGTHS["note"]:
            row.error("note", "cell.too_long", n=MAX_LENGTHS["note"])
        try:
            row.birth_date = c.parse_date(cells.get("birth_date"))
        except c.CellError as exc:
            row.error("birth_date", exc.code, **exc.params)
        else:
            if row.birth_date is None:
                row.error("birth_date", "cell.required")
            elif row.birth_date > self.today:
                row.error("birth_date", "birth_date.future")
        try:
            row.gender = c.gender_code(cells.get("gender")) or ""
        except c.CellError as exc:
            row.error("gender", exc.code, **exc.params)
        else:
            if not row.gender:
                row.error("gender", "cell.required")

    def _identity(self, row: Row, cells: dict) -> None:
        raw_id = cells.get("id_number")
        if isinstance(raw_id, int | float):
            row.error("id_number", "id_number.typed_as_number")
        else:
            self._id_number(row, c.text(raw_id))
        raw_mobile = c.text(cells.get("mobile"))
        if "*" in raw_mobile:
            row.mobile = KEEP
        else:
            row.mobile, problems = check_mobile(raw_mobile)
            for problem in problems:
                row.error("mobile", problem.code, **problem.params)
            row.mobile_hash = lookup_hash(row.mobile)

    def _id_number(self, row: Row, raw: str) -> None:
        if "*" in raw:
            row.id_number = KEEP
            return
        birth = row.birth_date if not row.has_error("birth_date") else None
        value, problems = check_id_number(raw, birth_date=birth, gender=row.gender or None)
        for problem in problems:
            # A disagreement with the date of birth or the gender is marked on the ID
            # number: that is the cell most likely mistyped.
            row.error("id_number", problem.code, **problem.params)
        row.id_number = value
        if value and not problems:
            row.id_hash = lookup_hash(value)

    def _enumerations(self, row: Row, cells: dict) -> None:
        for key, parse, default in (
            ("relation", c.relation_code, "head"),
            ("status", c.status_code, "living"),
        ):
            try:
                setattr(row, key, parse(cells.get(key)) or default)
            except c.CellError as exc:
                row.error(key, exc.code, **exc.params)
        for name in c.TAG_SEPARATORS.split(c.text(cells.get("tags"))):
            if not name:
                continue
            if name == c.HIDDEN_TAGS:
                row.keep_sensitive = True
            elif name.lower() in self.tags:
                row.tags.append(self.tags[name.lower()])
            else:
                row.error("tags", "tags.unknown", name=name)
