"""A streaming writer of one-sheet .xlsx files: the export and the error workbook.

openpyxl's write-only mode builds and serialises an element per cell with the standard
library's pure-Python writer when lxml is missing (it is not a dependency here): about
2,000 rows a second, so a community of 60,000 residents took half a minute and a street
several minutes. The format needed for a register is small: text, numbers, dates, a bold
header, red cells for errors and a frozen first row. This writes that XML directly (about
ten times faster); openpyxl still writes the template and reads every file in the tests.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

PLAIN, DATE, HEADER, BAD, BAD_DATE = range(5)
_EPOCH = dt.date(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Styles by index: plain, date, bold header on blue, red (an error), red date.
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    "</patternFill></fill>"
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(sheet_name: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


class SheetWriter:
    """Writes rows one at a time into `target`; `close()` finishes the file."""

    FLUSH = 500  # rows per write to the compressed stream

    def __init__(self, target: IO[bytes], sheet_name: str, widths: Iterable[int] = ()) -> None:
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
        self.sheet_name = sheet_name
        self.stream = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.row = 0
        self.letters = [get_column_letter(i) for i in range(1, 101)]
        self.buffer: list[str] = []
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, 1)
        )
        self.stream.write(
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                "</sheetView></sheetViews>"
                + (f"<cols>{cols}</cols>" if cols else "")
                + "<sheetData>"
            ).encode()
        )

    def _cell(self, ref: str, value, style: int) -> str:
        if value is None or value == "":
            return f'<c r="{ref}" s="{style}"/>' if style else ""
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            style = BAD_DATE if style == BAD else DATE if style == PLAIN else style
            return f'<c r="{ref}" s="{style}"><v>{(day - _EPOCH).days}</v></c>'
        text = escape(_ILLEGAL.sub("", str(value)))
        return (
            f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t>'
            "</is></c>"
        )

    def append(self, values: Iterable, styles: dict[int, int] | None = None) -> None:
        self.row += 1
        n = self.row
        styles = styles or {}
        cells = "".join(
            self._cell(f"{self.letters[i]}{n}", v, styles.get(i, PLAIN))
            for i, v in enumerate(values)
        )
        self.buffer.append(f'<row r="{n}">{cells}</row>')
        if len(self.buffer) >= self.FLUSH:
            self._flush()

    def _flush(self) -> None:
        self.stream.write("".join(self.buffer).encode())
        self.buffer = []

    def close(self) -> None:
        self._flush()
        self.stream.write(b"</sheetData></worksheet>")
        self.stream.close()
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", _workbook(self.sheet_name)),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ):
            self.zip.writestr(name, text)
        self.zip.close()
