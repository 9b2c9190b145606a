"""What a register import says, by code: problems with the file and errors in its rows.

An import is checked by the task worker, whose language is the server's default, and read
later by anyone, on the page or through the API, in their own language. So the passes
store a code and plain params (numbers, column keys, sheet names, cell ranges) on the job
(`message_code`, `message_params`) and in its report (`{row, column, code, params}`), and
`render` turns them into text in the active language when the page or the API answer is
built. The codes of the shared checks on ID and mobile numbers (silin.people.validation)
are part of the catalogue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silin.people import validation
from silin.workbooks.columns import BY_KEY

logger = logging.getLogger("silin.workbooks")

# Jobs stored before messages were codes: the sentence as it was written, in params["text"].
LEGACY = "legacy"

_TEXTS: dict[str, Promise] = {
    # --- the file as a whole ----------------------------------------------------------------
    "file.password": gettext_lazy(
        "This workbook is protected with a password. Open it in Excel, remove "
        "the password (File → Info → Protect Workbook) and upload it again."
    ),
    "file.xls": gettext_lazy(
        "This is an old Excel file (.xls). Open it in Excel and save it as .xlsx."
    ),
    "file.not_xlsx": gettext_lazy("This file is not an Excel workbook (.xlsx)."),
    "file.damaged": gettext_lazy(
        "This workbook is damaged and cannot be read. Save it again in Excel."
    ),
    "file.no_register_sheet": gettext_lazy(
        "The workbook has no sheet named 登记表 (Register). Sheets found: %(names)s."
    ),
    "file.merged_cells": gettext_lazy(
        "The register sheet has merged cells (%(ranges)s). Unmerge them and fill "
        "the value into every row."
    ),
    "file.headers_missing": gettext_lazy(
        "The first row of the register sheet must hold the column headers; "
        "these are missing: %(columns)s. Download the template to see them."
    ),
    "file.too_many_rows": gettext_lazy(
        "The register sheet has more than %(max)s rows (%(count)s). Split it into files "
        "of at most %(max)s rows, for example one per community."
    ),
    "file.no_rows": gettext_lazy("The register sheet has no rows."),
    # --- one cell ---------------------------------------------------------------------------
    "cell.formula": gettext_lazy("This cell holds a formula. Paste the value only."),
    "cell.required": gettext_lazy("This column must be filled in."),
    "cell.too_long": gettext_lazy("At most %(n)s characters."),
    "cell.not_a_date": gettext_lazy("Not a date. Write it like 1946-03-12 or 1946年3月12日."),
    "cell.not_a_choice": gettext_lazy("Choose one of: %(choices)s."),
    "floor.not_a_number": gettext_lazy("The floor must be a whole number."),
    "floor.out_of_range": gettext_lazy("The floor must be between -5 and 99."),
    "floor.differs": gettext_lazy(
        "This door is on floor %(floor)s (in the register or an earlier row)."
    ),
    "record.not_a_record": gettext_lazy("Not a record number from an export. Leave it empty."),
    "record.duplicate": gettext_lazy("The same record number is on row %(n)s."),
    "record.not_found": gettext_lazy("No resident with this record number in your area."),
    "birth_date.future": gettext_lazy("The date of birth is in the future."),
    "id_number.typed_as_number": gettext_lazy(
        "This ID number was stored as a number and Excel may have changed its "
        "last digits. Format the column as text and type the number again."
    ),
    "id_number.duplicate": gettext_lazy("The same ID number is on row %(n)s."),
    "id_number.taken": gettext_lazy("Another resident in the register has this ID number."),
    "masked.no_resident": gettext_lazy(
        "A masked value (with *) can only stand for an existing resident."
    ),
    "tags.unknown": gettext_lazy("Unknown tag: %(name)s."),
    "community.not_found": gettext_lazy(
        "No community of this name in the area you may import into."
    ),
    "community.ambiguous": gettext_lazy(
        "Several communities have this name; ask the street to rename one."
    ),
    "compound.not_found": gettext_lazy("This community has no compound of this name."),
    "compound.outside": gettext_lazy("This compound is outside the area you may import into."),
    # --- the shared checks of ID and mobile numbers -----------------------------------------
    **validation.MESSAGES,
}


def _columns(params: Mapping[str, Any]) -> dict[str, Any]:
    # Column keys, named in the reader's language ("Name (姓名)" / "姓名").
    names = [BY_KEY[k].named if k in BY_KEY else str(k) for k in params["columns"]]
    return {"columns": "、".join(names)}


# Params that are lists or numbers become text here, in the reader's language.
_PREPARE: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "file.no_register_sheet": lambda p: {"names": "、".join(p["names"])},
    "file.merged_cells": lambda p: {"ranges": ", ".join(p["ranges"])},
    "file.headers_missing": _columns,
    "file.too_many_rows": lambda p: {"max": f"{p['max']:,}", "count": f"{p['count']:,}"},
    "cell.not_a_choice": lambda p: {"choices": "、".join(p["choices"])},
}


def codes() -> list[str]:
    return sorted(_TEXTS)


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The text of `code` with its params, in the active language.

    A code this version does not know (or params it cannot use) still says something:
    a job stored by an older or newer version must not break the page.
    """
    params = params or {}
    if code == LEGACY:
        return str(params.get("text", ""))
    text = _TEXTS.get(code)
    if text is None:
        return _("This problem has no description here (code %(code)s).") % {"code": code}
    try:
        prepare = _PREPARE.get(code)
        values = prepare(params) if prepare else dict(params)
        return str(text) % values if "%(" in str(text) else str(text)
    except (KeyError, TypeError, ValueError):
        logger.warning("Cannot render import message %r with %r", code, params)
        return _("This problem has no description here (code %(code)s).") % {"code": code}


def row_error(row: int, column: str, code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """A row error as the report stores it."""
    return {"row": row, "column": column, "code": code, "params": dict(params)}


def rendered_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's row errors with their `message` in the active language."""
    return [{**e, "message": render(e.get("code", ""), e.get("params"))} for e in errors]
