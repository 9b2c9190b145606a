"""Notices about activities: sent on commit as a kind and plain params (the event's title,
its ISO start, its UUID, a reason in the words of whoever cancelled), and the renderers that
turn them into the reader's language when read. Renderers do not query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from silin.notifications import kinds
from silin.notifications.services import notification_send

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.activities.models import Event, SignUp


def notify(user: User, kind: str, params: Mapping[str, Any], *, sms: bool = False) -> None:
    """Send the notice once the transaction commits (params are read now)."""
    params = dict(params)
    transaction.on_commit(lambda: notification_send(user=user, kind=kind, params=params, sms=sms))


def tell(signup: SignUp, kind: str, params: Mapping[str, Any], *, sms: bool = False) -> None:
    """Tell whoever hears about `signup` (`SignUp.contact`): the person, or for a resident
    with no account the worker who signed them up, named in the notice. A guest: no one."""
    contact = signup.contact
    if contact is None:
        return
    if not signup.person_id:
        params = {**params, "for": signup.name}
    notify(contact, kind, params, sms=sms)


def event_params(event: Event, **extra: Any) -> dict[str, Any]:
    return {
        "event": str(event.uuid),
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        **extra,
    }


# --- rendering, when the notice is read ----------------------------------------------------


def _url(p: Mapping[str, Any]) -> str:
    return reverse("activities:event-detail", args=[p["event"]])


def _describe(p: Mapping[str, Any]) -> str:
    return _("%(title)s, %(when)s") % {"title": p["title"], "when": kinds.when(p["starts_at"])}


def _cancelled(p: Mapping[str, Any]) -> kinds.Rendered:
    body = _("%(event)s. Reason: %(reason)s") % {"event": _describe(p), "reason": p["reason"]}
    if p.get("for"):
        title = _("An activity you signed %(name)s up for is cancelled") % {"name": p["for"]}
    else:
        title = _("An activity you signed up for is cancelled")
    return kinds.Rendered(title, body, _url(p))


def _offer(p: Mapping[str, Any]) -> kinds.Rendered:
    body = _("%(event)s. Accept it before %(deadline)s.") % {
        "event": _describe(p),
        "deadline": kinds.when(p["deadline"]),
    }
    if p.get("for"):
        title = _("A place is free for %(name)s") % {"name": p["for"]}
    else:
        title = _("A place is free for you")
    return kinds.Rendered(title, body, _url(p))


def _offer_lapsed(p: Mapping[str, Any]) -> kinds.Rendered:
    if p.get("for"):
        title = _("The place offered to %(name)s has gone") % {"name": p["for"]}
    else:
        title = _("The place offered to you has gone")
    return kinds.Rendered(title, _describe(p), _url(p))


def _for_you(p: Mapping[str, Any]) -> kinds.Rendered:
    if p.get("waiting"):
        title = _("%(name)s put you on the waiting list") % {"name": p["by"]}
    else:
        title = _("%(name)s signed you up") % {"name": p["by"]}
    return kinds.Rendered(title, _describe(p), _url(p))


def _confirmed(p: Mapping[str, Any]) -> kinds.Rendered:
    return kinds.Rendered(_("You have a place"), _describe(p), _url(p))


def _reminder(p: Mapping[str, Any]) -> kinds.Rendered:
    if p.get("soon"):
        title = _("Your activity starts at %(time)s") % {"time": kinds.hm(p["starts_at"])}
    else:
        title = _("Your activity is tomorrow")
    body = _describe(p)
    if p.get("where"):
        body = _("%(event)s, at %(where)s") % {"event": body, "where": p["where"]}
    return kinds.Rendered(title, body, _url(p))


def _message(p: Mapping[str, Any]) -> kinds.Rendered:
    # The text is the organiser's own words, shown as written.
    title = _("Message from the organiser of %(title)s") % {"title": p["title"]}
    return kinds.Rendered(title, p["text"], _url(p))


def _proposal_url(p: Mapping[str, Any]) -> str:
    return reverse("activities:proposal-detail", args=[p["proposal"]])


def _proposal_accepted(p: Mapping[str, Any]) -> kinds.Rendered:
    body = _("“%(title)s” is now on the community's catalogue.") % {"title": p["title"]}
    return kinds.Rendered(_("Your activity idea is accepted"), body, _proposal_url(p))


def _proposal_declined(p: Mapping[str, Any]) -> kinds.Rendered:
    body = _("“%(title)s”. Reason: %(reason)s") % {"title": p["title"], "reason": p["reason"]}
    return kinds.Rendered(_("Your activity idea is declined"), body, _proposal_url(p))


RENDERERS: dict[str, Callable[[Mapping[str, Any]], kinds.Rendered]] = {
    "activity_cancelled": _cancelled,
    "activity_offer": _offer,
    "activity_offer_lapsed": _offer_lapsed,
    "activity_signed_up_for_you": _for_you,
    "activity_confirmed": _confirmed,
    "activity_reminder": _reminder,
    "activity_message": _message,
    "activity_proposal_accepted": _proposal_accepted,
    "activity_proposal_declined": _proposal_declined,
}


def register_kinds() -> None:
    """The kinds of notice Neighbour Activities sends (called from ActivitiesConfig.ready)."""
    for kind, renderer in RENDERERS.items():
        kinds.register(kind, renderer)
