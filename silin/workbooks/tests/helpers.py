"""Building register workbooks for the tests."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from silin.lib import idnumbers
from silin.workbooks.columns import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def person(n: int, **overrides) -> dict:
    """A valid new resident of 沱源 building 9 (not yet recorded), door 10n."""
    birth = dt.date(1950 + n % 40, 1 + n % 12, 1 + n % 28)
    gender = "M" if n % 2 else "F"
    row = {
        "community": "三江社区",
        "compound": "沱源",
        "building": "9",
        "unit": "1",
        "floor": 1 + n % 6,
        "door": f"{1 + n % 6}0{n % 4 + 1}",
        "name": f"测试{n}",
        "gender": "男" if gender == "M" else "女",
        "birth_date": birth,
        "id_number": idnumbers.build("510121", birth, 100 + 2 * n, gender),
        "mobile": f"139{n:08d}",
        "relation": "户主",
        "status": "在住",
        "tags": "",
        "note": "",
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict], *, headers=None, sheet="登记表") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    headers = headers or HEADERS
    ws.append(headers)
    keys = [c.key for c in COLUMNS]
    for row in rows:
        ws.append([row.get(keys[HEADERS.index(h)]) if h in HEADERS else None for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "register.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def read_sheet(content: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def excel_like(content: bytes) -> bytes:
    """The workbook as Excel saves it: shared strings and a <dimension> before the rows.

    openpyxl writes every text inline and no dimension; real uploads mostly come from
    Excel or WPS, so the reader must handle both.
    """
    source = zipfile.ZipFile(io.BytesIO(content))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    strings: list[str] = []

    def shared(match: re.Match) -> str:
        strings.append(match.group(2))
        return f'{match.group(1)} t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(
        r'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t>(.*?)</t></is></c>', shared, sheet
    )
    last = max(int(n) for n in re.findall(r'<row r="(\d+)"', sheet))
    sheet = sheet.replace("<sheetViews>", f'<dimension ref="A1:Q{last}"/><sheetViews>', 1)
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99"/>'
                    b"</Relationships>",
                )
            target.writestr(item, data)
        target.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()
