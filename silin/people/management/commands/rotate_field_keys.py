"""Re-encrypt personal fields with the first key of SILIN_FIELD_KEYS.

Rotation: put the new key first in SILIN_FIELD_KEYS (keep the old ones after it), deploy,
run this command, then drop the old keys. Look-up hashes do not change.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from silin.lib import crypto
from silin.people.models import CorrectionRequest, Resident

BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt residents' ID numbers and mobiles with the current primary key."

    def handle(self, *args: object, **options: object) -> None:
        done = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Resident.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", "id_number_encrypted", "mobile_encrypted")[:BATCH]
                )
                if not batch:
                    break
                for r in batch:
                    r.id_number_encrypted = crypto.rotate(r.id_number_encrypted)
                    r.mobile_encrypted = crypto.rotate(r.mobile_encrypted)
                Resident.objects.bulk_update(batch, ["id_number_encrypted", "mobile_encrypted"])
            done += len(batch)
            last_pk = batch[-1].pk
        self.stdout.write(f"Re-encrypted {done} residents with the current key.")
        self.stdout.write(f"Re-encrypted {_rotate_correction_requests()} correction requests.")


def _rotate_correction_requests() -> int:
    """A correction request holds the value asked for (maybe an ID or mobile number)."""
    done = 0
    with transaction.atomic():
        rows = list(
            CorrectionRequest.objects.select_for_update()
            .exclude(requested_value_encrypted="")
            .only("pk", "requested_value_encrypted")
        )
        for row in rows:
            row.requested_value_encrypted = crypto.rotate(row.requested_value_encrypted)
        CorrectionRequest.objects.bulk_update(rows, ["requested_value_encrypted"], batch_size=BATCH)
        done = len(rows)
    return done
