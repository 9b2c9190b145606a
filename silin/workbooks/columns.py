"""The columns of a register workbook and how a cell's text becomes a value.

A header cell holds the Chinese name (as the template and the export write it), the English
name, or both ("姓名 Name", as earlier templates did). The pages name a column in the
reader's language (`label`); the template's explanation sheet gives both. Enumerations
are written in Chinese, the register's own language, whatever language the page is in;
English labels and the codes are accepted too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from silin.lib.chinese import to_traditional
from silin.people.models import Resident


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool
    help: object  # a lazy translation
    example: object
    width: int = 12

    @property
    def header(self) -> str:
        """The header cell the template and the export write: the register's language."""
        return self.zh

    @property
    def label(self) -> str:
        """The column's name on a page, in the reader's language."""
        language = translation.get_language() or ""
        if language.startswith("zh-hant"):
            return to_traditional(self.zh)
        return self.zh if language.startswith("zh") else self.en

    @property
    def named(self) -> str:
        """The column as a message names it: the label, and the header to write if the
        reader's language is not the register's ("Name (姓名)")."""
        label = self.label
        return label if label in (self.zh, to_traditional(self.zh)) else f"{label} ({self.zh})"


GENDERS = {"男": "M", "女": "F"}
RELATIONS = {
    "户主": "head",
    "配偶": "spouse",
    "子女": "child",
    "父母": "parent",
    "孙辈": "grandchild",
    "祖辈": "grandparent",
    "兄弟姐妹": "sibling",
    "儿媳女婿": "child_in_law",
    "租户": "tenant",
    "其他": "other",
}
STATUSES = {"在住": "living", "迁出": "moved_out", "已故": "deceased"}
# Written in place of sensitive tags in a masked export; on import it keeps them as they are.
HIDDEN_TAGS = "***"
TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")

COLUMNS: tuple[Column, ...] = (
    Column(
        "record",
        "编号",
        "Record",
        False,
        _("Leave empty for a new resident. An export fills it; keep it to update that person."),
        "",
        36,
    ),
    Column("community", "社区", "Community", True, _("An existing community."), "三江社区"),
    Column(
        "compound", "小区", "Compound", True, _("An existing compound of the community."), "沱源"
    ),
    Column(
        "building",
        "楼栋",
        "Building",
        True,
        _("Building number. A building not yet recorded is added to the compound."),
        "3",
        8,
    ),
    Column(
        "unit",
        "单元",
        "Unit",
        True,
        _("Unit number. A unit not yet recorded is added to the building."),
        "1",
        8,
    ),
    Column("floor", "楼层", "Floor", True, _("A whole number; -5 to 99."), 2, 8),
    Column(
        "door",
        "门牌号",
        "Door",
        True,
        _("Door number. A household not yet recorded is added to the unit."),
        "201",
        10,
    ),
    Column("name", "姓名", "Name", True, _("Full name."), "刘建国", 10),
    Column("gender", "性别", "Gender", True, _("男 or 女."), "男", 8),
    Column(
        "birth_date",
        "出生日期",
        "Date of birth",
        True,
        _("A date cell, or text such as 1946-03-12, 1946/3/12 or 1946年3月12日."),
        dt.date(1946, 3, 12),
    ),
    Column(
        "id_number",
        "身份证号",
        "ID number",
        False,
        _("18 characters; must agree with the date of birth and the gender. Type it as text."),
        "510121194603120016",
        22,
    ),
    Column("mobile", "手机号", "Mobile", False, _("11 digits."), "13800001234", 14),
    Column(
        "relation",
        "与户主关系",
        "Relation to the head",
        False,
        _("One of the list; empty means 户主 (head of household)."),
        "户主",
    ),
    Column(
        "status",
        "状态",
        "Status",
        False,
        _("在住, 迁出 or 已故; empty means 在住 (living here)."),
        "在住",
        8,
    ),
    Column(
        "tags",
        "标签",
        "Tags",
        False,
        _("Tag names separated by 、 (e.g. 高龄、独居)."),
        "高龄",
        16,
    ),
    Column("note", "备注", "Note", False, _("Up to 300 characters."), "", 20),
)
BY_KEY = {c.key: c for c in COLUMNS}
BY_HEADER = {c.header: c for c in COLUMNS}


def header_key(text: object) -> str | None:
    """The column a header cell names, or None."""
    if text is None:
        return None
    value = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text))).strip().lower()
    for column in COLUMNS:
        if value in {column.zh, column.en.lower(), f"{column.zh} {column.en}".lower()}:
            return column.key
    return None


def text(value: object) -> str:
    """A cell as trimmed text; whole numbers typed into text columns lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value).strip()


class CellError(ValueError):
    """A cell that cannot be read: a code of silin.workbooks.messages and its params."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = unicodedata.normalize("NFKC", text(value))
    match = _DATE_TEXT.match(raw) or _DATE_DIGITS.match(raw)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise CellError("cell.not_a_date")


def parse_choice(value: object, mapping: dict[str, str], enum) -> str | None:
    """A code from a Chinese label, an English label or the code itself; None if empty."""
    raw = unicodedata.normalize("NFKC", text(value))
    if not raw:
        return None
    if raw in mapping:
        return mapping[raw]
    lowered = raw.lower()
    for code, label in enum.choices:  # only on a miss: the labels are lazy translations
        if lowered in {code.lower(), str(label).lower()}:
            return code
    raise CellError("cell.not_a_choice", choices=list(mapping))


def parse_floor(value: object) -> int:
    raw = unicodedata.normalize("NFKC", text(value))
    try:
        floor = int(raw)
    except ValueError:
        raise CellError("floor.not_a_number") from None
    if not -5 <= floor <= 99:
        raise CellError("floor.out_of_range")
    return floor


def gender_code(value: object) -> str | None:
    return parse_choice(value, GENDERS, Resident.Gender)


def relation_code(value: object) -> str | None:
    return parse_choice(value, RELATIONS, Resident.Relation)


def status_code(value: object) -> str | None:
    return parse_choice(value, STATUSES, Resident.Status)


def label_of(mapping: dict[str, str], code: str) -> str:
    for label, value in mapping.items():
        if value == code:
            return label
    return code
