"""A message from the organiser to everyone signed up for an activity (those with a place,
and the waiting list when asked): stored once with its text, the organiser's own words, and
a notice to each recipient (by SMS too when the organiser asks and the person has a
mobile).

A message goes out once: the event's row is locked while it is sent, the same text sent
to the same activity in the last ten minutes is refused (a double click, a reloaded form),
and an activity takes at most MAX_PER_DAY messages in 24 hours, so a mistake cannot flood
everyone's phone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.activities import permissions as perms
from silin.activities.models import Event, EventMessage, SignUp
from silin.activities.services.common import ActivityError, lock_event
from silin.activities.services.notices import event_params, notify
from silin.core import audit

if TYPE_CHECKING:
    from silin.accounts.models import User

MAX_LENGTH = 500
MAX_PER_DAY = 5
REPEAT_WINDOW = dt.timedelta(minutes=10)
NOTICE_KIND = "activity_message"


def message_recipients(event: Event, *, include_waiting: bool) -> list[SignUp]:
    states = list(SignUp.TAKING_STATES)
    if include_waiting:
        states.append(SignUp.State.WAITING)
    return list(
        # Those with an account: a resident with no phone, or a guest, is told in person.
        SignUp.objects.filter(event=event, state__in=states, person__isnull=False)
        .select_related("person")
        .order_by("created_at", "pk")
    )


def _check(event: Event, text: str, now: dt.datetime) -> None:
    if not text:
        raise ActivityError({"text": [_("Write the message.")]})
    if len(text) > MAX_LENGTH:
        raise ActivityError(
            {"text": [_("A message has at most %(n)d characters.") % {"n": MAX_LENGTH}]}
        )
    if event.state in (Event.State.DRAFT, Event.State.CANCELLED):
        raise ActivityError(_("Messages go to the people signed up for a published activity."))
    recent = EventMessage.objects.filter(event=event, created_at__gt=now - dt.timedelta(days=1))
    if recent.filter(text=text, created_at__gt=now - REPEAT_WINDOW).exists():
        raise ActivityError({"text": [_("This message was sent a moment ago already.")]})
    if recent.count() >= MAX_PER_DAY:
        raise ActivityError(
            _("An activity takes at most %(n)d messages a day: try again tomorrow.")
            % {"n": MAX_PER_DAY}
        )


@transaction.atomic
def event_message_send(
    *, actor: User, event: Event, text: str, include_waiting: bool = False, sms: bool = False
) -> EventMessage:
    """Send `text` to everyone with a place (and those waiting, with `include_waiting`)."""
    if not perms.organises(actor, event):
        raise PermissionDenied
    event = lock_event(event)  # two sends of one form wait for each other, then see the first
    text = text.strip()
    now = timezone.now()
    _check(event, text, now)
    recipients = message_recipients(event, include_waiting=include_waiting)
    if not recipients:
        raise ActivityError(_("Nobody is signed up yet: there is no one to send it to."))
    message = EventMessage.objects.create(
        event=event,
        sender=actor,
        text=text,
        include_waiting=include_waiting,
        sms=sms,
        recipients=len(recipients),
    )
    audit.record(
        actor=actor,
        action="create",
        obj=message,
        changes=audit.diff(
            {},
            {
                "text": text,
                "include_waiting": include_waiting,
                "sms": sms,
                "recipients": len(recipients),
            },
        ),
        detail="message to the participants",
    )
    params = event_params(event, message=str(message.uuid), text=text)
    for signup in recipients:
        if signup.person is not None:  # the recipients have an account
            notify(signup.person, NOTICE_KIND, params, sms=sms)
    return message
