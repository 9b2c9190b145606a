"""The API toolkit every app's `api.py` builds on: one error schema, paging, shared schemas.

The NinjaAPI itself, which mounts each app's router, is `silin.api` at the top.
"""
