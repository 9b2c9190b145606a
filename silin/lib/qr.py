"""QR codes for doors and notices (segno): inline SVG for pages, PNG for print."""

from __future__ import annotations

import io

import segno

# "M" recovers from ~15 % damage: enough for a sheet taped to a door, and the code stays
# small enough to scan from arm's length.
ERROR_LEVEL = "m"


def qr_svg(data: str, *, title: str = "", scale: int = 6) -> str:
    """The QR code of `data` as an inline <svg> element (no XML declaration)."""
    buffer = io.BytesIO()
    segno.make(data, error=ERROR_LEVEL).save(
        buffer,
        kind="svg",
        scale=scale,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title or None,
        svgclass="qr-code",
        lineclass=None,
        omitsize=True,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(data: str, *, scale: int = 12) -> bytes:
    """The QR code of `data` as PNG bytes, large enough to print on an A5 sheet."""
    buffer = io.BytesIO()
    segno.make(data, error=ERROR_LEVEL).save(
        buffer, kind="png", scale=scale, border=4, dark="#000", light="#fff"
    )
    return buffer.getvalue()
