"""Fill untranslated zh_Hans entries from the translations any app already has.

When code moves between apps, `manage.py translations extract` drops its strings from the
old app's catalog and adds them, empty, to the new one. This fills such entries from every
app's catalog as committed in git (HEAD) and as it is now, matching on msgctxt + msgid
(and the plural), and prints what is still untranslated.

    uv run python scripts/reuse_translations.py
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PATTERN = "silin/*/locale/zh_Hans/LC_MESSAGES/django.po"
GIT = shutil.which("git") or "git"


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _pool() -> dict[tuple[str, str, str], polib.POEntry]:
    pool: dict[tuple[str, str, str], polib.POEntry] = {}
    committed = subprocess.run(  # noqa: S603 - fixed arguments
        [GIT, "ls-files", PATTERN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in committed:
        text = subprocess.run(  # noqa: S603
            [GIT, "show", f"HEAD:{name}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        if text:
            for entry in polib.pofile(text):
                if entry.translated() and not entry.obsolete:
                    pool.setdefault(_key(entry), entry)
    for path in ROOT.glob(PATTERN):
        for entry in polib.pofile(str(path)):
            if entry.translated() and not entry.obsolete:
                pool.setdefault(_key(entry), entry)
    return pool


def main() -> None:
    pool = _pool()
    missing = []
    for path in sorted(ROOT.glob(PATTERN)):
        po = polib.pofile(str(path))
        changed = False
        for entry in po.untranslated_entries() + po.fuzzy_entries():
            known = pool.get(_key(entry))
            if known is None:
                missing.append(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
                continue
            entry.msgstr = known.msgstr
            entry.msgstr_plural = dict(known.msgstr_plural)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            changed = True
        if changed:
            po.save()
    print("\n".join(missing) if missing else "Every zh_Hans entry is translated.")


if __name__ == "__main__":
    main()
