"""The downloads of "My data": JSON, and .xlsx with one sheet per section."""

from __future__ import annotations

import io
import json
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from silin.core.personal_data import Export

SHEET_TITLE_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def as_json(export: Export) -> bytes:
    payload = {
        "generated_at": export.generated_at.isoformat(),
        "sections": export.sections,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:SHEET_TITLE_MAX] or "-"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _text_cell(ws, row: int, column: int, value: str):
    cell = ws.cell(row=row, column=column)
    cell.value = value
    # A name or note starting with "=" is text, never a formula Excel would run.
    cell.data_type = "s"
    return cell


def as_xlsx(export: Export) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    headers = (_("Record"), _("Field"), _("Value"))
    for section in export.sections:
        ws = wb.create_sheet(_sheet_title(section["title"], taken))
        for col, header in enumerate(headers, start=1):
            _text_cell(ws, 1, col, str(header)).font = Font(bold=True)
        row = 2
        for record in section["records"]:
            for label, value in record["fields"]:
                for col, text in enumerate((record["title"], label, value), start=1):
                    _text_cell(ws, row, col, text)
                row += 1
        if row == 2:
            _text_cell(ws, 2, 1, _("Nothing held."))
        if section["note"]:
            _text_cell(ws, row + 1, 1, section["note"])
        for letter, width in (("A", 28), ("B", 28), ("C", 40)):
            ws.column_dimensions[letter].width = width
    if not wb.sheetnames:
        wb.create_sheet(_("My data"))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
