"""Text as it is stored: normalised once at the boundary (forms, API, imports).

Pasted text brings invisible characters: zero-width spaces and joiners from chat apps,
byte-order marks from spreadsheets, bidirectional overrides that make a name read
backwards, and control characters. None of them is ever stored. Composed characters are
put in NFC, so the same name is always the same string (NFKC is not used: it would turn
Chinese full-width punctuation into ASCII).
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and invisible formatting characters, bidirectional embeddings, overrides and
# isolates, the word joiner family and the byte-order mark.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_DROP_LINE = re.compile(f"[{_INVISIBLE}{_CONTROLS}\t\r\n]")
_DROP_MULTILINE = re.compile(f"[{_INVISIBLE}{_CONTROLS}]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` in NFC without invisible or control characters, trimmed.

    One-line text keeps no line breaks or tabs (they become spaces); multi-line text keeps
    its line breaks (as "\\n") and tabs.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _DROP_MULTILINE.sub("", text).strip()
    text = re.sub(r"[\t\r\n]+", " ", text)
    return _DROP_LINE.sub("", text).strip()
