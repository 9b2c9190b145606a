"""Where the CJK font documents and images are set in lives (Debian's `fonts-noto-cjk`).

PDFs (`lib.pdf`, WeasyPrint) name the family and let fontconfig find it; images drawn with
Pillow (activity posters) need the file and its face index inside the .ttc collection.
Both ask fontconfig here, so a missing font is one finding: `cjk_font_available()` says so
(a health check, a test), and drawing fails loudly rather than printing boxes.
"""

from __future__ import annotations

import functools
import subprocess
from typing import NamedTuple

CJK_FAMILY = "Noto Sans CJK SC"


class FontFile(NamedTuple):
    path: str
    face: int


def _fc(args: list[str]) -> str:
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments
            ["fc-match" if args[0] == "match" else "fc-list", *args[1:]],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return found.stdout


def cjk_font_available() -> bool:
    """Whether fontconfig knows the CJK font the documents are set in."""
    return CJK_FAMILY in _fc(["list", f":family={CJK_FAMILY}", "family"])


@functools.cache
def cjk_font_file(*, bold: bool = False) -> FontFile | None:
    """The file (and face index) of the CJK family, regular or bold; None if it is not
    installed (fontconfig would otherwise answer with some other font)."""
    style = "Bold" if bold else "Regular"
    out = _fc(["match", "-f", "%{file}|%{index}|%{family}", f"{CJK_FAMILY}:style={style}"])
    path, _sep, rest = out.partition("|")
    index, _sep, families = rest.partition("|")
    if not path or CJK_FAMILY not in families.split(",") or not index.isdigit():
        return None
    return FontFile(path, int(index))
