"""Print the API's OpenAPI document: `manage.py export_openapi > docs/openapi.json`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from silin.api.openapi import render_openapi


class Command(BaseCommand):
    help = "Print the OpenAPI schema of /api/v1/ as deterministic JSON."

    def handle(self, *args, **options):
        self.stdout.write(render_openapi(), ending="")
