"""`manage.py demo_logins`: the demo accounts, one per role, and their shared password."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from silin.demo.cast import demo_login_rows
from silin.demo.names import STREET_NAME


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Print the demo logins (role, name, mobile, password) created by seed_demo."

    def _intro(self) -> None:
        self.stdout.write(
            f"Demo logins of {STREET_NAME}: sign in with the mobile number and the shared password."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_login_rows()
        if not rows:
            self.stdout.write("No demo logins yet: run `manage.py seed_demo` first.")
            return
        self._intro()
        header = ("Role", "角色", "Name", "Mobile", "Password")
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)))
