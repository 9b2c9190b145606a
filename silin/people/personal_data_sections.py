"""The sections the register contributes to a person's "My data" (see core.personal_data).

Each provider reads only the subject's own records and shows them in full: an ID number or
mobile number shown here is the person's own, and the caller logs that reveal.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.accounts.models import RoleAssignment
from silin.core import personal_data as pd
from silin.core.models import AuditEntry
from silin.people.models import CHILD_CONSENT_AGE, Consent, CorrectionRequest, Guardian, Resident


def register_record(subject: pd.Subject) -> pd.Section | None:
    r = subject.resident
    if r is None:
        return None
    fields = [
        (_("Name"), r.name),
        (_("Gender"), r.get_gender_display()),
        (_("Date of birth"), r.birth_date),
        (_("ID number"), r.id_number),
        (_("Mobile number"), r.mobile),
        (_("Relation to the head of household"), r.get_relation_display()),
        (_("Status"), r.get_status_display()),
        (_("Status changed at"), r.status_changed_at),
        (_("Note by the community"), r.note),
        (_("Registered at"), r.created_at),
        (_("Last changed at"), r.updated_at),
    ]
    return pd.Section(
        title=_("Register record"),
        records=[pd.Record(title=r.name, fields=fields)],
    )


def household_and_place(subject: pd.Subject) -> pd.Section | None:
    r = subject.resident
    if r is None:
        return None
    h = r.household
    fields = [
        (_("Street"), h.community.street.name),
        (_("Community"), h.community.name),
        (_("Compound"), h.compound.name),
        (_("Building"), h.unit.building.number),
        (_("Unit"), h.unit.number),
        (_("Floor"), h.floor),
        (_("Door number"), h.door),
    ]
    return pd.Section(
        title=_("Household and place"),
        records=[pd.Record(title=h.address_short, fields=fields)],
    )


def tags(subject: pd.Subject) -> pd.Section | None:
    r = subject.resident
    if r is None:
        return None
    records = [
        pd.Record(
            title=t.label,
            fields=[(_("Sensitive (needs your separate consent)"), t.sensitive)],
        )
        for t in r.tags.all()
    ]
    return pd.Section(title=_("Tags"), records=records)


def _consent_record(consent: Consent, *, for_ward: bool) -> pd.Record:
    title = consent.get_purpose_display()
    if for_ward:
        title = _("%(name)s: %(purpose)s") % {"name": consent.resident.name, "purpose": title}
    given_by = consent.given_by.name if consent.given_by is not None else _("the resident")
    fields = [
        (_("Given at"), consent.granted_at),
        (_("Given by"), given_by),
        (_("Recorded by"), str(consent.recorded_by) if consent.recorded_by_id else ""),
        (_("Withdrawn at"), consent.withdrawn_at),
        (_("In force"), consent.active),
    ]
    link = None
    if consent.active:
        url = reverse("people:my-data-consent-withdraw", kwargs={"uuid": consent.uuid})
        link = (url, _("Withdraw this consent"))
    return pd.Record(title=title, fields=fields, link=link)


def consents(subject: pd.Subject) -> pd.Section | None:
    """The resident's consents, and those of wards under 14 (a guardian decides for them)."""
    r = subject.resident
    if r is None:
        return None
    young_wards = [
        g.minor_id for g in r.wards.select_related("minor") if g.minor.age < CHILD_CONSENT_AGE
    ]
    rows = Consent.objects.filter(Q(resident=r) | Q(resident_id__in=young_wards)).select_related(
        "resident", "given_by", "recorded_by"
    )
    records = [_consent_record(c, for_ward=c.resident_id != r.pk) for c in rows]
    return pd.Section(title=_("Consents"), records=records)


def guardians_and_wards(subject: pd.Subject) -> pd.Section | None:
    r = subject.resident
    if r is None:
        return None
    links = Guardian.objects.filter(Q(minor=r) | Q(guardian=r)).select_related("minor", "guardian")
    records = []
    for g in links:
        if g.minor_id == r.pk:
            records.append(
                pd.Record(
                    title=_("My guardian: %(name)s") % {"name": g.guardian.name},
                    fields=[(_("Relation"), g.relation)],
                )
            )
        else:
            records.append(
                pd.Record(
                    title=_("I am the guardian of %(name)s") % {"name": g.minor.name},
                    fields=[(_("Relation"), g.relation), (_("Age"), g.minor.age)],
                )
            )
    return pd.Section(title=_("Guardians and wards"), records=records)


def correction_requests(subject: pd.Subject) -> pd.Section | None:
    r = subject.resident
    if r is None:
        return None
    rows = CorrectionRequest.objects.filter(resident=r)
    records = [
        pd.Record(
            title=c.get_field_display(),
            fields=[
                (_("Should say"), c.requested_value),
                (_("Note"), c.note),
                (_("Asked at"), c.created_at),
                (_("Status"), c.get_status_display()),
                (_("Decided at"), c.decided_at),
                (_("Reason"), c.decline_reason),
            ],
        )
        for c in rows
    ]
    return pd.Section(title=_("Correction requests"), records=records)


def _actor_label(entry, subject: pd.Subject, roles: dict[int, list[str]]) -> str:
    if entry.actor_id is None:
        return _("Silin (automatic retention)")
    if subject.user is not None and entry.actor_id == subject.user.pk:
        return _("You")
    return "; ".join(roles.get(entry.actor_id, [])) or _("Former staff member")


def _field_label(name: str) -> str:
    labels = {"id_number": _("ID number"), "mobile": _("Mobile number")}
    if name in labels:
        return labels[name]
    try:
        field = Resident._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(field.verbose_name) if isinstance(field, Field) else name


def _what(entry) -> str:
    """What an audit entry touched, in words: field names, a consent, a download."""
    if entry.changes:
        return ", ".join(_field_label(f) for f in sorted(entry.changes))
    if entry.detail in {"id_number", "mobile"}:
        return _field_label(entry.detail)
    kind, _sep, rest = entry.detail.partition(":")
    if kind == "consent":
        purposes = dict(Consent.Purpose.choices)
        return _("Consent: %(purpose)s") % {"purpose": purposes.get(rest, rest)}
    if kind == "correction":
        return _field_label(rest)
    if kind == "self" and entry.action == "export":
        return _("Download of my data")
    if entry.action == "reveal":
        return _("ID number and mobile number")
    return entry.detail


def access_log(subject: pd.Subject) -> pd.Section | None:
    """Who revealed, changed or exported the record: the actor's role and the time."""
    r = subject.resident
    if r is None:
        return None
    # The person's own views and downloads of this page are logged too, but listing them
    # back would bury what others did under "you looked at your data".
    entries = list(
        AuditEntry.objects.filter(object_type="people.resident", object_uuid=str(r.uuid)).exclude(
            detail__startswith="self:"
        )
    )
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    roles: dict[int, list[str]] = {}
    for a in RoleAssignment.objects.filter(user_id__in=actor_ids).select_related(
        "street", "community", "compound"
    ):
        roles.setdefault(a.user_id, []).append(f"{a.get_role_display()} · {a.node}")
    records = [
        pd.Record(
            title=e.get_action_display(),
            fields=[
                (_("When"), timezone.localtime(e.created_at)),
                (_("Who"), _actor_label(e, subject, roles)),
                (_("What"), _what(e)),
            ],
        )
        for e in entries
    ]
    return pd.Section(
        title=_("Who looked at or changed my record"),
        records=records,
        note=_(
            "Every time someone reveals your ID or mobile number, changes your record or "
            "exports it, Silin writes it down. Kept for the audit retention period."
        ),
    )


def register_defaults() -> None:
    for order, key, provider in (
        (10, "people.register", register_record),
        (20, "people.household", household_and_place),
        (30, "people.tags", tags),
        (40, "people.consents", consents),
        (50, "people.guardians", guardians_and_wards),
        (60, "people.corrections", correction_requests),
        (900, "people.access_log", access_log),
    ):
        pd.register(key, provider, order=order)
