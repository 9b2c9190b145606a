"""Ed25519 signatures for codes a scanner checks without the server (check-in QR codes).

A key pair is made per event; the private key is kept encrypted (`lib.crypto`), the public
key is published (raw 32 bytes, base64url) so that a scanner holding it can verify a code
offline. A signed code is `<payload>.<signature>` with the signature in base64url.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from silin.lib import crypto


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key_pair() -> tuple[str, str]:
    """(the private key encrypted for storage, the public key in base64url)."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return crypto.encrypt(_b64(raw)), _b64(public)


def sign(payload: str, encrypted_private_key: str) -> str:
    private = Ed25519PrivateKey.from_private_bytes(_unb64(crypto.decrypt(encrypted_private_key)))
    return f"{payload}.{_b64(private.sign(payload.encode()))}"


def verify(code: str, public_key: str) -> str | None:
    """The payload of a code signed by the key's owner, else None (forged, damaged)."""
    payload, _, signature = code.strip().rpartition(".")
    if not payload or not signature:
        return None
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(
            _unb64(signature), payload.encode()
        )
    except (InvalidSignature, ValueError, binascii.Error):
        return None
    return payload
