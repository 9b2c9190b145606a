"""Print fresh private keys for a local demo as shell assignments (see Makefile)."""

import base64
import secrets

print(f"SILIN_SECRET_KEY={secrets.token_urlsafe(48)}")
print(f"SILIN_FIELD_KEYS={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}")
print(f"SILIN_HASH_KEY={secrets.token_urlsafe(32)}")
print("SILIN_SECURE_COOKIES=false")
print("SILIN_ALLOWED_HOSTS=127.0.0.1,localhost")
