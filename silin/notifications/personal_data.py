"""The notices a person received, for their "My data" page (silin.people)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from silin.core import personal_data as pd
from silin.notifications.models import Notification


def notices(subject: pd.Subject) -> pd.Section | None:
    if subject.user is None:
        return None
    rows = Notification.objects.filter(recipient=subject.user).order_by("-created_at", "-id")
    # Rendered now, in the language of whoever reads the page or the download.
    records = [
        pd.Record(
            title=n.rendered.title,
            fields=[
                (_("Message"), n.rendered.body),
                (_("Sent at"), n.created_at),
                (_("Also sent by SMS"), n.sms),
                (_("Read at"), n.read_at),
            ],
        )
        for n in rows
    ]
    return pd.Section(title=_("Notices"), records=records)


def register() -> None:
    pd.register("notifications.notices", notices, order=190)
