"""Test-run environment: fixed development keys, never the deployment's."""

import os

os.environ.setdefault("SILIN_SECRET_KEY", "silin-test-secret-key-not-for-production-0123456789")
os.environ.setdefault("SILIN_ALLOW_DEV_KEYS", "1")
os.environ.setdefault("SILIN_HASH_KEY", "silin-test-hash-key")
os.environ.setdefault("SILIN_SECURE_COOKIES", "false")
