"""Opening an uploaded register workbook and streaming its rows.

Problems with the file as a whole (not a workbook, password-protected, damaged, no register
sheet, headers missing, merged cells, too many rows) raise `WorkbookError` before a single
row is checked: a code of silin.workbooks.messages and plain params, which the job stores
and each reader sees in their own language.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.datetime import from_excel

from silin.workbooks import messages
from silin.workbooks.columns import COLUMNS, header_key

SHEET_NAMES = ("登记表", "register", "登记表 register")
# A street holds about 200,000 residents; a file beyond this is refused before it is read.
MAX_ROWS = 250_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


class WorkbookError(ValueError):
    """The file cannot be imported at all: `code` and `params` say why (stored on the job);
    `message` renders them in the active language, for a form or an API answer given now."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return messages.render(self.code, self.params)


def _sniff(stream: IO[bytes]) -> None:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"PK"):
        return
    if head == _OLE_MAGIC:
        body = stream.read(2_000_000)
        stream.seek(0)
        if _ENCRYPTED in body:
            raise WorkbookError("file.password")
        raise WorkbookError("file.xls")
    raise WorkbookError("file.not_xlsx")


def _find_merged(archive, path: str) -> list[str]:
    """Merged ranges, read from the sheet's XML (they come after the rows)."""
    found: list[str] = []
    tail = b""
    with archive.open(path) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            found.extend(m.decode() for m in _MERGE.findall(data))
            tail = data[-200:]
    return sorted(set(found))


def _dimension_rows(archive, path: str) -> int | None:
    """The last row the sheet's <dimension> names (it comes before the rows), if any."""
    with archive.open(path) as xml:
        head = xml.read(1 << 16)
    match = _DIMENSION.search(head)
    if match is None:
        return None
    return int(match.group(1)) if match.group(1) else 1


class _Reader(ExcelReader):
    """openpyxl's reader for everything but the worksheets, which are read by `fast_rows`.

    openpyxl's read-only mode sizes every sheet when it opens the file, and a sheet without
    a <dimension> (as openpyxl itself writes them) is then parsed to its end: once more per
    open, for nothing.
    """

    def read_worksheets(self) -> None:
        self.sheets = [
            (sheet.name, rel.target)
            for sheet, rel in self.parser.find_sheets()
            if rel.target in self.valid_files and "chartsheet" not in rel.Type
        ]


def _load(stream: IO[bytes]) -> _Reader:
    reader = _Reader(stream, read_only=True, keep_vba=False, data_only=False, keep_links=False)
    reader.read()
    return reader


class RegisterSheet:
    """The register sheet of an uploaded workbook, read as a stream."""

    def __init__(self, stream: IO[bytes]) -> None:
        _sniff(stream)
        try:
            self.reader = _load(stream)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise WorkbookError("file.damaged") from exc
        self.archive = self.reader.archive
        try:
            self.title, self.path = self._register_sheet()
            self._check_size()
            self._check_merged()
            self.header = self._read_header()
        except Exception:
            self.close()
            raise
        self.columns = {key: i for i, key in enumerate(self.keys) if key}

    def close(self) -> None:
        self.archive.close()

    def _register_sheet(self) -> tuple[str, str]:
        for name, path in self.reader.sheets:
            if re.sub(r"\s+", " ", name).strip().lower() in SHEET_NAMES:
                return name, path
        raise WorkbookError(
            "file.no_register_sheet", names=[name for name, _path in self.reader.sheets]
        )

    def _check_size(self) -> None:
        # The dimension Excel writes says how many rows there are without reading them.
        max_row = _dimension_rows(self.archive, self.path)
        self.total = max(0, max_row - 1) if max_row else None
        if self.total and self.total > MAX_ROWS:
            raise_too_many(self.total)

    def _check_merged(self) -> None:
        merged = _find_merged(self.archive, self.path)
        if merged:
            raise WorkbookError("file.merged_cells", ranges=merged[:10])

    def _read_header(self) -> tuple:
        first = next(self.all_rows(), None)
        header = first[1] if first and first[0] == 1 else ()
        self.keys = [header_key(v) for v in header]
        missing = [c for c in COLUMNS if c.required and c.key not in self.keys]
        if missing:
            raise WorkbookError("file.headers_missing", columns=[c.key for c in missing])
        return header

    def all_rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, values) of every row the sheet holds, the header included."""
        return fast_rows(self.reader, self.path)

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, values) of every row below the header that is not empty, in order."""
        count = 0
        for number, values in self.all_rows():
            if number < 2 or all(
                v is None or (isinstance(v, str) and not v.strip()) for v in values
            ):
                continue
            count += 1
            if count > MAX_ROWS:
                raise_too_many(count)
            yield number, values


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE = (
    _NS + "row",
    _NS + "c",
    _NS + "v",
    _NS + "f",
    _NS + "is",
)
_SHEET_DATA = _NS + "sheetData"
_DIGITS = "0123456789"


class _Cells:
    """Cell values as openpyxl's read-only worksheet gives them (formulas as "=...")."""

    def __init__(self, reader) -> None:
        self.strings = reader.shared_strings
        self.dates = reader.wb._date_formats
        self.epoch = reader.wb.epoch
        self.from_excel = from_excel
        self.columns: dict[str, int] = {}

    def column(self, ref: str) -> int:
        letters = ref.rstrip(_DIGITS)
        index = self.columns.get(letters)
        if index is None:
            index = 0
            for ch in letters:
                index = index * 26 + ord(ch) - 64
            index = self.columns[letters] = index - 1
        return index

    def value(self, cell):  # noqa: C901 - one branch per cell type of the file format
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return "".join(cell.itertext()) or None
        if kind == "s":
            text = cell.findtext(_VALUE)
            return self.strings[int(text)] if text else None
        formula = cell.find(_FORMULA)
        if formula is not None:
            return "=" + (formula.text or "")
        text = cell.findtext(_VALUE)
        if not text:
            return None
        if kind == "n":
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            style = cell.get("s")
            if style and int(style) in self.dates:
                try:
                    return self.from_excel(number, self.epoch)
                except (OverflowError, ValueError):
                    return None
            return number
        if kind == "b":
            return bool(int(text))
        return text  # str (a formula's text result), e (an error such as #N/A), d (ISO date)


def fast_rows(reader, path: str) -> Iterator[tuple[int, tuple]]:
    """The sheet's rows straight from its XML with the C parser of the standard library.

    openpyxl's own read-only rows cost about ten times as much per cell without lxml (not
    a dependency here), which decides whether 200,000 rows take one minute or five.
    """
    cells = _Cells(reader)
    number = 0
    parent = None
    with reader.archive.open(path) as xml:
        # S314: expat 2.4+ (Python's own, 2.5 here) refuses entity-expansion bombs and never
        # fetches external entities; openpyxl parses these same bytes with the same parser.
        for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314
            if event == "start":
                if element.tag == _SHEET_DATA:
                    parent = element
                continue
            if element.tag != _ROW:
                continue
            number = int(element.get("r") or number + 1)
            values: list = []
            for cell in element:
                ref = cell.get("r")
                index = cells.column(ref) if ref else len(values)
                if index > len(values):
                    values.extend([None] * (index - len(values)))
                values.append(cells.value(cell))
            if parent is not None:
                parent.clear()  # rows already read are dropped: memory stays flat
            yield number, tuple(values)


def raise_too_many(count: int) -> None:
    raise WorkbookError("file.too_many_rows", max=MAX_ROWS, count=count)


def open_register(stream: IO[bytes]) -> RegisterSheet:
    try:
        return RegisterSheet(stream)
    except zipfile.BadZipFile as exc:
        raise WorkbookError("file.damaged") from exc
