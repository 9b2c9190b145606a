"""Reports (and with --apply, carries out) what the retention periods say is due."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from silin.core import retention


class Command(BaseCommand):
    help = (
        "Lists the records past their retention period (dry run). With --apply, anonymises "
        "former residents and deletes expired audit entries, login codes and whatever other "
        "apps registered."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Act on what is due (default: report only)."
        )

    def handle(self, *args, apply: bool = False, **options):
        verb = "acted on" if apply else "due"
        for outcome in retention.run(apply=apply):
            r = outcome.registration
            self.stdout.write(
                f"{r.key}: {outcome.count} {verb} · {r.label} · {r.setting}={r.days} days "
                f"(before {outcome.cutoff:%Y-%m-%d %H:%M})"
            )
        for setting in retention.unenforced_settings():
            self.stdout.write(f"{setting}: no rule registered (the app has not joined yet)")
        if not apply:
            self.stdout.write("Dry run: nothing changed. Run with --apply to act.")
