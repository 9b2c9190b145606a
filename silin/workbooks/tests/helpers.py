"""Building register workbooks for the tests."""

from __future__ import annotations

import datetime as dt
import io

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
