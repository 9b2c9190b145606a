"""The token of a person's calendar feed of their bookings (the feed's address)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from silin.core import audit
from silin.spaces.models import PersonalFeed, new_token

if TYPE_CHECKING:
    from silin.accounts.models import User


def personal_feed_token(*, user: User) -> str:
    """The token of `user`'s personal calendar feed, created on first use."""
    feed, _created = PersonalFeed.objects.get_or_create(user=user)
    return feed.token


@transaction.atomic
def personal_feed_rotate(*, actor: User) -> str:
    """A new feed token: calendars subscribed to the old address stop updating."""
    feed, _created = PersonalFeed.objects.get_or_create(user=actor)
    feed.token = new_token()
    feed.save(update_fields=["token"])
    audit.record(
        actor=actor,
        action="update",
        object_type="spaces.personalfeed",
        changes={"token": ["***", "***"]},
        detail="personal calendar feed address renewed",
    )
    return feed.token
