"""Opening an uploaded register workbook and streaming its rows.

Problems with the file as a whole (not a workbook, password-protected, damaged, no register
sheet, headers missing, merged cells, too many rows) raise `WorkbookError` with one message
in the active language before a single row is checked.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from silin.workbooks.columns import COLUMNS, header_key

SHEET_NAMES = ("登记表", "register", "登记表 register")
# A street holds about 200,000 residents; a file beyond this is refused before it is read.
MAX_ROWS = 250_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')


class WorkbookError(ValueError):
    """The file cannot be imported at all; `message` says why in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _sniff(stream: IO[bytes]) -> None:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"PK"):
        return
    if head == _OLE_MAGIC:
        body = stream.read(2_000_000)
        stream.seek(0)
        if _ENCRYPTED in body:
            raise WorkbookError(
                _(
                    "This workbook is protected with a password. Open it in Excel, remove "
                    "the password (File → Info → Protect Workbook) and upload it again."
                )
            )
        raise WorkbookError(
            _("This is an old Excel file (.xls). Open it in Excel and save it as .xlsx.")
        )
    raise WorkbookError(_("This file is not an Excel workbook (.xlsx)."))


def _find_merged(workbook, sheet) -> list[str]:
    """Merged ranges, read from the sheet's XML (read-only worksheets do not expose them)."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if not path or archive is None:
        return []
    found: list[str] = []
    tail = b""
    with archive.open(path) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            found.extend(m.decode() for m in _MERGE.findall(data))
            tail = data[-200:]
    return sorted(set(found))


class RegisterSheet:
    """The register sheet of an uploaded workbook, read as a stream."""

    def __init__(self, stream: IO[bytes]) -> None:
        import openpyxl

        _sniff(stream)
        try:
            self.workbook = openpyxl.load_workbook(
                stream, read_only=True, data_only=False, keep_links=False
            )
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise WorkbookError(
                _("This workbook is damaged and cannot be read. Save it again in Excel.")
            ) from exc
        try:
            self.sheet = self._register_sheet()
            self._check_size()
            self._check_merged()
            self.header = self._read_header()
        except Exception:
            self.close()
            raise
        self.columns = {key: i for i, key in enumerate(self.keys) if key}

    def close(self) -> None:
        self.workbook.close()

    def _register_sheet(self):
        for name in self.workbook.sheetnames:
            if re.sub(r"\s+", " ", name).strip().lower() in SHEET_NAMES:
                return self.workbook[name]
        raise WorkbookError(
            _("The workbook has no sheet named 登记表 (Register). Sheets found: %(names)s.")
            % {"names": "、".join(self.workbook.sheetnames)}
        )

    def _check_size(self) -> None:
        # The dimension Excel writes says how many rows there are without reading them.
        max_row = self.sheet.max_row
        self.total = max(0, max_row - 1) if max_row else None
        if self.total and self.total > MAX_ROWS:
            raise_too_many(self.total)

    def _check_merged(self) -> None:
        merged = _find_merged(self.workbook, self.sheet)
        if merged:
            raise WorkbookError(
                _(
                    "The register sheet has merged cells (%(ranges)s). Unmerge them and fill "
                    "the value into every row."
                )
                % {"ranges": ", ".join(merged[:10])}
            )

    def _read_header(self) -> tuple:
        first = next(self.sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
        header = tuple(first or ())
        self.keys = [header_key(v) for v in header]
        missing = [c for c in COLUMNS if c.required and c.key not in self.keys]
        if missing:
            raise WorkbookError(
                _(
                    "The first row of the register sheet must hold the column headers; "
                    "these are missing: %(columns)s. Download the template to see them."
                )
                % {"columns": "、".join(c.header for c in missing)}
            )
        return header

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, values) of every row that is not empty, in order."""
        count = 0
        for number, values in enumerate(self.sheet.iter_rows(min_row=2, values_only=True), 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise_too_many(count)
            yield number, values


def raise_too_many(count: int) -> None:
    raise WorkbookError(
        _(
            "The register sheet has more than %(max)s rows (%(count)s). Split it into files "
            "of at most %(max)s rows, for example one per community."
        )
        % {"max": f"{MAX_ROWS:,}", "count": f"{count:,}"}
    )


def open_register(stream: IO[bytes]) -> RegisterSheet:
    try:
        return RegisterSheet(stream)
    except zipfile.BadZipFile as exc:
        raise WorkbookError(
            _("This workbook is damaged and cannot be read. Save it again in Excel.")
        ) from exc
