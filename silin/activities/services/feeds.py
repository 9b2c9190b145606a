"""The token of an organiser's calendar feed: a community's, a compound committee's or a
social organisation's published activities, at a URL its staff subscribe to. Rotating the
token (a link posted where it should not be) ends the old URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from silin.activities import permissions as perms
from silin.activities.models import OrganiserFeed, new_feed_token, organiser_key
from silin.core import audit

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.activities.models import Event


def organiser_feed_token(*, actor: User, event: Event) -> str:
    """The feed token of whoever organises `event`, created on first use."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    feed, _created = OrganiserFeed.objects.get_or_create(key=organiser_key(event))
    return feed.token


@transaction.atomic
def organiser_feed_rotate(*, actor: User, event: Event) -> str:
    """A new token for the feed of `event`'s organiser: the old URL stops answering."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    feed, _created = OrganiserFeed.objects.select_for_update().get_or_create(
        key=organiser_key(event)
    )
    feed.token = new_feed_token()
    feed.save(update_fields=["token"])
    audit.record(
        actor=actor,
        action="update",
        obj=event,
        changes={"token": ["***", "***"]},
        detail=f"organiser calendar feed address renewed ({feed.key})",
    )
    return feed.token
