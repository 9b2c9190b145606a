"""The committed OpenAPI document (docs/openapi.json) and how it is rendered."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils import translation

from silin.api.api import api

OPENAPI_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"
REGENERATE = "uv run python manage.py export_openapi > docs/openapi.json"


def render_openapi() -> str:
    """The schema as stable text: sorted keys, two-space indent, UTF-8, final newline."""
    # Summaries and enum labels are English source strings whatever the caller's language.
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
