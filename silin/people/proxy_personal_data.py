"""Family proxies on "My data": the links, and what proxies did for the person.

"Your daughter booked 棋艺室 for you on 3 December" comes from the audit log: every entry
written while a proxy acted names the principal in `on_behalf_of` (core.audit.record).
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from silin.core import personal_data as pd
from silin.core.models import AuditEntry
from silin.people.proxy_models import ProxyLink

DONE_FOR_YOU_SHOWN = 200  # the page shows the newest few; the downloads the latest 200


def _type_label(object_type: str) -> str:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


def proxy_links(subject: pd.Subject) -> pd.Section | None:
    if subject.user is None:
        return None
    links = ProxyLink.objects.filter(Q(principal=subject.user) | Q(proxy=subject.user))
    links = links.select_related("principal", "proxy")
    records = []
    for link in links:
        mine = link.principal_id == subject.user.pk
        other = link.proxy if mine else link.principal
        title = (_("%(name)s may act for you") if mine else _("You may act for %(name)s")) % {
            "name": other.name
        }
        records.append(
            pd.Record(
                title=title,
                fields=[
                    (_("Relation"), link.get_relation_display()),
                    (_("Powers"), "、".join(link.power_labels)),
                    (_("State"), link.get_state_display()),
                    (_("Ends on"), link.ends_on),
                    (_("Consent given"), link.get_consent_method_display()),
                    (_("Number of the signed paper"), link.consent_paper_number),
                    (_("Consent given at"), link.created_at),
                    (_("Accepted at"), link.accepted_at),
                    (_("Ended at"), link.ended_at),
                ],
            )
        )
    if not records and subject.resident is None:
        return None  # an account outside the register that never was a proxy: nothing to say
    return pd.Section(
        title=_("Family proxies (亲情账号)"),
        records=records,
        more=(reverse("people:family"), _("My family")),
    )


def done_for_you(subject: pd.Subject) -> pd.Section | None:
    if subject.user is None:
        return None
    entries = AuditEntry.objects.filter(on_behalf_of_id=subject.user.pk).order_by(
        "-created_at", "-id"
    )[:DONE_FOR_YOU_SHOWN]
    relations = {
        link.proxy_id: link.get_relation_display()
        for link in ProxyLink.objects.filter(principal=subject.user).order_by("created_at")
    }
    records = []
    for e in entries:
        who = e.actor_label
        if e.actor_id in relations:
            who = f"{relations[e.actor_id]} {e.actor_label}"
        day = formats.date_format(timezone.localtime(e.created_at), "DATE_FORMAT")
        what = f"{e.get_action_display()} {_type_label(e.object_type)} {e.object_label}".strip()
        records.append(
            pd.Record(
                title=_("%(who)s for you on %(day)s: %(what)s")
                % {"who": who, "day": day, "what": what},
                fields=[(_("When"), e.created_at)],
            )
        )
    if not records and subject.resident is None:
        return None
    return pd.Section(
        title=_("Done for you by your family"),
        records=records,
        note=_("What a family member did while acting for you, newest first."),
    )
