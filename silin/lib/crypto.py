"""Field encryption with key rotation, and keyed hashes for exact look-up.

Values are encrypted with the first key of SILIN_FIELD_KEYS (Fernet, AES-128-CBC + HMAC);
any listed key decrypts, so a new key is added in front and `manage.py rotate_field_keys`
re-encrypts the rows. Look-ups never decrypt: they compare an HMAC-SHA256 of the
normalised value keyed with SILIN_HASH_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.SILIN_FIELD_KEYS))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    if not token:
        return ""
    return fernet().rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    if not value:
        return ""
    key = settings.SILIN_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
