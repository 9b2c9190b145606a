"""Workbooks the app writes: the template, the copy of an upload with its errors marked,
and the register export."""

from __future__ import annotations

import io
from typing import IO

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from silin.workbooks import columns as c
from silin.workbooks import messages
from silin.workbooks.reader import open_register
from silin.workbooks.rows import RowError
from silin.workbooks.xlsx import BAD, HEADER, SheetWriter

ERROR_HEADER = "错误 Errors"
_RED = "FFC7CE"
_HEADER_FILL = "DDEBF7"


def _fills() -> tuple[PatternFill, PatternFill, Font]:
    return (
        PatternFill(start_color=_RED, end_color=_RED, fill_type="solid"),
        PatternFill(start_color=_HEADER_FILL, end_color=_HEADER_FILL, fill_type="solid"),
        Font(bold=True),
    )


def error_workbook(stream: IO[bytes], errors: dict[int, list[RowError]]) -> bytes:
    """A copy of the register sheet with an error column and the bad cells highlighted.

    The errors are written in the active language (the caller chooses it: the uploader's);
    each is prefixed with its column's header as the sheet names it.
    """
    source = open_register(stream)
    buffer = io.BytesIO()
    keep = [i for i, v in enumerate(source.header) if str(v or "").strip() != ERROR_HEADER]
    where = {key: keep.index(i) for key, i in source.columns.items() if i in keep}
    headers = [source.header[i] for i in keep] + [ERROR_HEADER]
    widths = [c.BY_HEADER[h].width + 6 if h in c.BY_HEADER else 14 for h in headers[:-1]]
    sheet = SheetWriter(buffer, source.title, widths=[*widths, 60])
    sheet.append(headers, dict.fromkeys(range(len(headers)), HEADER))
    for number, values in source.all_rows():
        if number < 2:
            continue
        while sheet.row + 1 < number:  # keep the row numbers of the upload
            sheet.append([])
        row_errors = errors.get(number, [])
        styles = {where[e.column]: BAD for e in row_errors if e.column in where}
        cells = [values[i] if i < len(values) else None for i in keep]
        message = "；".join(_error_text(e) for e in row_errors)
        if message:
            styles[len(keep)] = BAD
        sheet.append([*cells, message or None], styles)
    source.close()
    sheet.close()
    return buffer.getvalue()


def _error_text(error: RowError) -> str:
    text = messages.render(error.code, error.params)
    column = c.BY_KEY.get(error.column)
    return f"{column.zh}: {text}" if column else text


def template_workbook(tags: list) -> bytes:
    """The empty register with an example row, drop-down lists and a sheet of explanations."""
    _red, header_fill, bold = _fills()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "登记表"
    sheet.append([col.header for col in c.COLUMNS])
    sheet.append([col.example for col in c.COLUMNS])
    for i, col in enumerate(c.COLUMNS, 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = col.width + 6
        head = sheet.cell(row=1, column=i)
        head.fill, head.font = header_fill, bold
        if col.key in {"id_number", "mobile", "building", "unit", "door", "record"}:
            for row in range(2, 2002):
                sheet.cell(row=row, column=i).number_format = "@"
        if col.key == "birth_date":
            sheet.cell(row=2, column=i).number_format = "yyyy-mm-dd"
    lists = {"gender": c.GENDERS, "relation": c.RELATIONS, "status": c.STATUSES}
    for key, mapping in lists.items():
        i = [col.key for col in c.COLUMNS].index(key) + 1
        letter = get_column_letter(i)
        rule = DataValidation(type="list", formula1='"' + ",".join(mapping) + '"', allow_blank=True)
        rule.error = _("Choose a value from the list.")
        rule.add(f"{letter}2:{letter}200000")
        sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    _explanations(book, tags, bold)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _explanations(book, tags: list, bold) -> None:
    notes = book.create_sheet("说明 Help")
    notes.append([_("Column"), "English", _("Required"), _("What to write")])
    for cell in notes[1]:
        cell.font = bold
    for col in c.COLUMNS:
        notes.append([col.zh, col.en, _("yes") if col.required else _("no"), str(col.help)])
    notes.append([])
    notes.append([_("Tags"), "", "", "、".join(t.name for t in tags)])
    notes.append(
        [
            _("Rules"),
            "",
            "",
            _(
                "One row per resident. The whole file is imported or nothing is: fix every "
                "error shown and upload again. A resident whose ID number (or record number) "
                "is already in the register is updated, after you confirm the changes."
            ),
        ]
    )
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
