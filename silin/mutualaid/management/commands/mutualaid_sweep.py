"""`manage.py mutualaid_sweep`: expire help requests past their window and accept services
left unconfirmed past SILIN_MUTUALAID_AUTO_ACCEPT_DAYS.

Both are also queued as tasks when they fall due (at the window's end, at check-out plus
the days); the sweep is for task backends that cannot defer, and a safety net: each step
re-reads its row, so running it twice, or after the tasks, changes nothing more.
"""

from django.core.management.base import BaseCommand

from silin.mutualaid.services.records import services_auto_accept
from silin.mutualaid.services.requests import requests_expire_due


class Command(BaseCommand):
    help = "Expire help requests past their window; accept services left unconfirmed."

    def handle(self, *args, **options):
        expired = requests_expire_due()
        accepted = services_auto_accept()
        self.stdout.write(f"expired {expired} request(s), auto-accepted {accepted} service(s)")
