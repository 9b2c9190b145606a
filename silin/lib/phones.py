"""Mainland China mobile numbers: 11 digits starting 1[3-9]."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"[\s\-]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    return text


def is_valid(value: str) -> bool:
    return bool(_MOBILE.match(value))
