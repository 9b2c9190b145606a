"""`manage.py seed_demo`: load the demo street 赵镇街道 once (see silin/demo/seeding.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silin.demo.names import STREET_CODE, STREET_NAME
from silin.demo.seeding import seed_demo


class Command(BaseCommand):
    help = "Load the demo street 赵镇街道 with its communities, residents and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--residents",
            type=int,
            default=5000,
            help="How many residents to create (default 5000; 200000 for a full street).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed; the same seed gives the same street.",
        )

    def handle(self, *args: Any, residents: int, seed: int, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            result = seed_demo(
                residents=residents,
                seed=seed,
                log=self.stdout.write if verbose else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not result.created:
            self.stdout.write(
                f"{STREET_NAME} ({STREET_CODE}) is already in the database; nothing was added."
            )
            return
        counts = ", ".join(f"{k.split('.')[-1]} {v}" for k, v in sorted(result.counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {STREET_NAME} in {result.seconds:.1f} s "
                f"(CPU {result.cpu_seconds:.1f} s, seed {seed}): {counts}"
            )
        )
        self.stdout.write("Run `manage.py demo_logins` for the demo accounts.")
