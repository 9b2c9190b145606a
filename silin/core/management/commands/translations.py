"""Extract, convert and compile the UI translations of every Silin app.

    manage.py translations extract   # refresh each app's zh_Hans .po (needs GNU gettext)
    manage.py translations compile   # zh_Hans → zh_Hant with OpenCC, then .po → .mo

Source strings are English; zh_Hans is translated by hand and complete; zh_Hant is
generated from it, so it is never edited. Compiling uses polib, so a fresh machine needs
no gettext tools to run Silin.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from silin.lib.chinese import to_traditional

APPS_DIR = Path(settings.BASE_DIR) / "silin"


def app_dirs() -> list[Path]:
    return sorted(p.parent for p in APPS_DIR.glob("*/apps.py"))


def _convert(entry: polib.POEntry) -> None:
    entry.msgstr = to_traditional(entry.msgstr)
    for key, value in list(entry.msgstr_plural.items()):
        entry.msgstr_plural[key] = to_traditional(value)


class Command(BaseCommand):
    help = "Extract, convert (OpenCC) and compile UI translations."

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["extract", "compile", "check"])
        parser.add_argument("--app", help="only this app (e.g. people)")

    def handle(self, *args, step: str, app: str | None = None, **options):
        self.only_app = app
        getattr(self, f"_{step}")()

    def _extract(self) -> None:
        for app in app_dirs():
            if self.only_app and app.name != self.only_app:
                continue
            (app / "locale").mkdir(exist_ok=True)
            subprocess.run(  # noqa: S603 - fixed arguments
                [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "makemessages",
                    "-l",
                    "zh_Hans",
                    "--no-obsolete",
                    "--add-location=file",
                    "-i",
                    "tests/*",
                    "-i",
                    "migrations/*",
                ],
                cwd=app,
                check=True,
            )
        self.stdout.write("Extracted; translate the empty entries of each zh_Hans/django.po.")

    def _compile(self) -> None:
        count = 0
        for po_path in sorted(APPS_DIR.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
            hans = polib.pofile(str(po_path))
            hans.save_as_mofile(str(po_path.with_suffix(".mo")))
            hant = polib.pofile(str(po_path))
            hant.metadata["Language"] = "zh_Hant"
            for entry in hant:
                _convert(entry)
            hant_dir = po_path.parent.parent.parent / "zh_Hant" / "LC_MESSAGES"
            hant_dir.mkdir(parents=True, exist_ok=True)
            hant.save(str(hant_dir / "django.po"))
            hant.save_as_mofile(str(hant_dir / "django.mo"))
            count += 1
        self.stdout.write(f"Compiled zh-hans and zh-hant for {count} apps.")

    def _check(self) -> None:
        """Fails when a zh_Hans entry is untranslated or fuzzy: zh-hans must be complete."""
        problems = []
        for po_path in sorted(APPS_DIR.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
            po = polib.pofile(str(po_path))
            for entry in po.untranslated_entries() + po.fuzzy_entries():
                problems.append(f"{po_path.relative_to(APPS_DIR)}: {entry.msgid!r}")
        if problems:
            raise CommandError("Untranslated strings:\n" + "\n".join(problems))
        self.stdout.write("Every zh-hans string is translated.")
