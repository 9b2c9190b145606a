"""The shareable poster of an activity: a portrait PNG for residents' WeChat groups.

Drawn with Pillow in the CJK font of `lib.fonts` (a missing font raises, never boxes): the
title (wrapped, at most four lines), the date and time in the reader's language, the place,
the places left, the organiser, and a QR code of the activity's page. The caller caches
the bytes under a key of everything drawn (`poster_key`), so a changed event or a place
taken draws a new one.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import astuple, dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import pgettext
from PIL import Image, ImageDraw, ImageFont

from silin.lib.fonts import cjk_font_file
from silin.lib.qr import qr_png

WIDTH, HEIGHT = 1080, 1620
MARGIN = 80
INK = (26, 32, 44)
MUTED = (82, 92, 105)
ACCENT = (176, 42, 55)  # a warm red, 6.4:1 on white
PAPER = (255, 253, 248)
BAND = (176, 42, 55)
TITLE_LINES = 4
# A CJK or full-width character breaks anywhere; other text breaks between words.
_TOKENS = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+"
)


@dataclass(frozen=True)
class PosterText:
    """Everything the poster shows, already in the reader's language."""

    heading: str
    title: str
    when: str
    where: str
    places: str
    organiser: str
    url: str
    scan: str


def poster_key(text: PosterText) -> str:
    return hashlib.sha256("\x1f".join(astuple(text)).encode()).hexdigest()[:32]


def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    found = cjk_font_file(bold=bold)
    if found is None:
        raise ImproperlyConfigured("The CJK font (fonts-noto-cjk) is not installed.")
    return ImageFont.truetype(found.path, size, index=found.face)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """`text` in lines no wider than `width`; the last one ends with "…" if it was cut."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text.strip()):
        trial = line + token
        if face.getlength(trial) <= width or not line:
            line = trial
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    if line:
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def _field(draw: ImageDraw.ImageDraw, y: int, label: str, value: str, width: int) -> int:
    draw.text((MARGIN, y), label, font=font(34), fill=MUTED)
    y += 50
    for line in wrap(value, font(46, bold=True), width, 2):
        draw.text((MARGIN, y), line, font=font(46, bold=True), fill=INK)
        y += 62
    return y + 26


def render_poster(text: PosterText) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 150), fill=BAND)
    draw.text((MARGIN, 75), text.heading, font=font(44, bold=True), fill="white", anchor="lm")
    y = 210
    title_face = font(80, bold=True)
    for line in wrap(text.title, title_face, WIDTH - 2 * MARGIN, TITLE_LINES):
        draw.text((MARGIN, y), line, font=title_face, fill=INK)
        y += 104
    y += 20
    draw.rectangle((MARGIN, y, MARGIN + 120, y + 8), fill=ACCENT)
    y += 50
    inner = WIDTH - 2 * MARGIN
    y = _field(draw, y, pgettext("poster", "When"), text.when, inner)
    y = _field(draw, y, pgettext("poster", "Where"), text.where, inner)
    y = _field(draw, y, pgettext("poster", "Places left"), text.places, inner)
    _field(draw, y, pgettext("poster", "Organised by"), text.organiser, inner)
    qr = Image.open(io.BytesIO(qr_png(text.url, scale=10))).convert("RGB")
    side = 340
    qr = qr.resize((side, side), Image.Resampling.NEAREST)
    top = HEIGHT - MARGIN - side - 10
    image.paste(qr, (WIDTH - MARGIN - side, top))
    scan_face = font(38, bold=True)
    for i, line in enumerate(wrap(text.scan, scan_face, WIDTH - 3 * MARGIN - side, 3)):
        draw.text((MARGIN, top + 110 + i * 54), line, font=scan_face, fill=ACCENT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
