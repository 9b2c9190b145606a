"""Simplified → Traditional Chinese (OpenCC s2t), for data shown in zh-hant."""

from __future__ import annotations

from functools import lru_cache

from opencc import OpenCC


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("s2t")


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    return _converter().convert(text) if text else text
