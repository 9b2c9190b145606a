"""Writes of Neighbour Spaces: spaces, hours, blocks, bookings, series, check-in, waiting list.

Every service is keyword-only, runs in its own transaction, writes an audit entry and puts
its side effects (notices, reminders) on commit. Bad input raises `SpaceError`, a Django
ValidationError of {field: [translated messages]} with nothing saved.

Bookings of one space are serialised: each booking write first locks the space's row
(`select_for_update`, PostgreSQL) or already holds SQLite's single write lock (the database
runs transactions `BEGIN IMMEDIATE`). On PostgreSQL the exclusion constraint
`booking_no_overlap` is the last word: a lost race surfaces as `SlotTaken`, never a 500.
Requests for approval-required spaces may compete with each other; confirmed bookings
(approved, checked in) never overlap anything confirmed, and approving one request rejects
the requests it overlaps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from silin.core import audit
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib import recurrence
from silin.notifications.services import in_language_of, notification_send
from silin.spaces import permissions as perms
from silin.spaces.models import (
    BlockedPeriod,
    Booking,
    BookingSeries,
    OpeningException,
    OpeningHours,
    PersonalFeed,
    Space,
    WaitlistEntry,
    new_token,
)
from silin.spaces.selectors import SpaceCalendar

NON_FIELD = "__all__"
CHECK_IN_EARLY_MINUTES = 15
OFFER_MINUTES = 60
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
PHOTO_MAX_BYTES = 8 * 1024 * 1024


class SpaceError(ValidationError):
    """Bad input or a refused action: {field: [messages]}, messages already translated."""

    def __init__(self, errors: dict[str, list[str]] | str, field: str = NON_FIELD):
        if isinstance(errors, str):
            errors = {field: [errors]}
        super().__init__({k: [str(m) for m in v] for k, v in errors.items()})


class SlotTaken(SpaceError):
    """The slot holds a confirmed booking (or was taken a moment ago). The API answers 409."""


def _taken_a_moment_ago() -> SlotTaken:
    return SlotTaken(
        _("This slot was taken a moment ago. Please choose another time."), field="starts_at"
    )


# --- small helpers ---------------------------------------------------------------------------


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _hm(value: dt.datetime | dt.time) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return value.strftime("%H:%M")


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _lock(space: Space) -> Space:
    """Serialise the booking writes of one space (see the module docstring)."""
    return Space.objects.select_for_update().select_related("community").get(pk=space.pk)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _uuid(obj) -> str | None:
    return str(obj.uuid) if obj is not None else None


def _booking_url(booking: Booking) -> str:
    # A booking has no page of its own: the booker finds it among "my bookings".
    return reverse("spaces:booking-mine")


def _scope_error(field: str = "community") -> SpaceError:
    return SpaceError({field: [_("This place is outside the area you look after.")]})


# --- spaces ----------------------------------------------------------------------------------

SPACE_FIELDS = (
    "name",
    "kind",
    "community",
    "compound",
    "parent",
    "address",
    "capacity",
    "description",
    "amenities",
    "step_free",
    "lift",
    "accessible_toilet",
    "managed_by",
    "manager",
    "active",
    "bookable_by_residents",
    "bookable_by_organizations",
    "bookable_by_staff",
    "approval_required",
    "book_ahead_days",
    "min_booking_minutes",
    "max_booking_minutes",
    "weekly_quota_household_minutes",
    "weekly_quota_organization_minutes",
    "check_in_grace_minutes",
    "reach",
)
_FK_FIELDS = ("community", "compound", "parent", "managed_by", "manager")


@dataclass
class SpaceData:
    name: str
    kind: str
    community: object  # places.Community
    capacity: int
    compound: object | None = None
    parent: Space | None = None
    address: str = ""
    description: str = ""
    amenities: Sequence[str] = ()
    step_free: bool = False
    lift: bool = False
    accessible_toilet: bool = False
    managed_by: object | None = None  # organizations.Organization
    manager: object | None = None  # accounts.User
    active: bool = True
    bookable_by_residents: bool = True
    bookable_by_organizations: bool = True
    bookable_by_staff: bool = True
    approval_required: bool = False
    book_ahead_days: int = 30
    min_booking_minutes: int = 30
    max_booking_minutes: int = 240
    weekly_quota_household_minutes: int | None = None
    weekly_quota_organization_minutes: int | None = None
    check_in_grace_minutes: int = 15
    reach: str = Space.Reach.COMMUNITY


def _require_manage_place(actor, community, compound) -> None:
    covered = scope_for(actor, Capability.MANAGE_SPACES).covers(
        street_id=community.street_id,
        community_id=community.pk,
        compound_id=compound.pk if compound is not None else None,
    )
    if not covered:
        raise _scope_error("compound" if compound is not None else "community")


def _check_place(data: SpaceData, instance: Space | None, errors: dict) -> None:
    if data.compound is not None and data.compound.community_id != data.community.pk:
        errors["compound"] = [_("This compound is not in the chosen community.")]
    parent = data.parent
    if parent is not None:
        if instance is not None and parent.pk == instance.pk:
            errors["parent"] = [_("A space cannot be inside itself.")]
        elif parent.community_id != data.community.pk:
            errors["parent"] = [_("The centre must be in the same community.")]
        elif parent.parent_id is not None:
            errors["parent"] = [_("Choose a centre, not a room inside one.")]
    if data.managed_by is not None and data.managed_by.community_id != data.community.pk:
        errors["managed_by"] = [_("The organisation must belong to the space's community.")]
    if data.reach == Space.Reach.COMPOUND and data.compound is None:
        errors["reach"] = [_("A space open to one compound only needs a compound.")]


def _check_policy(data: SpaceData, errors: dict) -> None:
    if data.capacity is None or data.capacity < 1:
        errors["capacity"] = [_("The capacity is at least one person.")]
    if not 1 <= data.book_ahead_days <= 366:
        errors["book_ahead_days"] = [_("Between 1 and 366 days ahead.")]
    if data.min_booking_minutes < 5:
        errors["min_booking_minutes"] = [_("The shortest booking is at least 5 minutes.")]
    if data.max_booking_minutes < data.min_booking_minutes:
        errors["max_booking_minutes"] = [
            _("The longest booking cannot be shorter than the shortest.")
        ]
    if data.max_booking_minutes > 24 * 60:
        errors["max_booking_minutes"] = [_("A booking lasts at most one day (1440 minutes).")]
    if not 0 <= data.check_in_grace_minutes <= 240:
        errors["check_in_grace_minutes"] = [_("Between 0 and 240 minutes.")]
    for name in ("weekly_quota_household_minutes", "weekly_quota_organization_minutes"):
        quota = getattr(data, name)
        if quota is not None and quota < data.min_booking_minutes:
            errors[name] = [_("A quota smaller than the shortest booking allows no booking.")]
    if not (data.bookable_by_residents or data.bookable_by_organizations or data.bookable_by_staff):
        errors["bookable_by_residents"] = [_("Choose at least one kind of booker.")]


def _check_space(data: SpaceData, instance: Space | None) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Please enter the space's name.")]
    if data.kind not in Space.Kind.values:
        errors["kind"] = [_("Please choose a kind.")]
    if data.reach not in Space.Reach.values:
        errors["reach"] = [_("Please choose who the space is open to.")]
    bad = [a for a in data.amenities if a not in Space.Amenity.values]
    if bad:
        errors["amenities"] = [_("Unknown amenities: %(codes)s.") % {"codes": ", ".join(bad)}]
    _check_place(data, instance, errors)
    _check_policy(data, errors)
    clash = Space.objects.filter(community=data.community, name=data.name.strip())
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if data.name.strip() and clash.exists():
        errors["name"] = [_("This community already has a space with this name.")]
    if errors:
        raise SpaceError(errors)


def _space_state(space: Space) -> dict:
    state = audit.snapshot(space, SPACE_FIELDS)
    for name in _FK_FIELDS:
        state[name] = _uuid(getattr(space, name))
    state["amenities"] = list(space.amenities or [])
    return state


def _apply_space(space: Space, data: SpaceData) -> None:
    for name in SPACE_FIELDS:
        setattr(space, name, getattr(data, name))
    space.name = data.name.strip()
    space.address = data.address.strip()
    space.description = data.description.strip()
    space.amenities = list(dict.fromkeys(data.amenities))


def _save_space(space: Space) -> None:
    try:
        with transaction.atomic():
            space.save()
    except IntegrityError as exc:  # a concurrent writer took the same name
        raise SpaceError(
            {"name": [_("This community already has a space with this name.")]}
        ) from exc


def space_validate(*, actor, data: SpaceData, instance: Space | None = None) -> None:
    """The checks of create/update without saving, for forms."""
    if instance is not None:
        _require_manage_place(actor, instance.community, instance.compound)
    _require_manage_place(actor, data.community, data.compound)
    _check_space(data, instance)


@transaction.atomic
def space_create(*, actor, data: SpaceData) -> Space:
    space_validate(actor=actor, data=data)
    space = Space()
    _apply_space(space, data)
    _save_space(space)
    audit.record(
        actor=actor, action="create", obj=space, changes=audit.diff({}, _space_state(space))
    )
    return space


@transaction.atomic
def space_update(*, actor, space: Space, data: SpaceData) -> Space:
    space_validate(actor=actor, data=data, instance=space)
    before = _space_state(space)
    _apply_space(space, data)
    _save_space(space)
    changes = audit.diff(before, _space_state(space))
    if changes:
        audit.record(actor=actor, action="update", obj=space, changes=changes)
    return space


def _require_manage(actor, space: Space) -> None:
    if not perms.manages(actor, space):
        raise PermissionDenied


@transaction.atomic
def space_photo_set(*, actor, space: Space, photo: File | None) -> Space:
    """Set (or with None, remove) the space's photo. JPEG, PNG or WebP up to 8 MB."""
    _require_manage(actor, space)
    if photo is not None:
        if PurePath(photo.name or "").suffix.lower() not in PHOTO_SUFFIXES:
            raise SpaceError({"photo": [_("Please upload a photo as a JPEG, PNG or WebP file.")]})
        if photo.size and photo.size > PHOTO_MAX_BYTES:
            raise SpaceError(
                {"photo": [_("The photo is larger than 8 MB; please upload a smaller one.")]}
            )
    before = space.photo.name or ""
    if photo is None:
        space.photo = ""
    else:
        space.photo.save(PurePath(photo.name).name, photo, save=False)
    space.save(update_fields=["photo"])
    audit.record(
        actor=actor,
        action="update",
        obj=space,
        changes=audit.diff({"photo": before}, {"photo": space.photo.name or ""}),
    )
    return space


@transaction.atomic
def space_rotate_tokens(*, actor, space: Space, door: bool = False, feed: bool = False) -> Space:
    """New tokens: printed door codes (door) or subscribed space feeds (feed) stop working."""
    _require_manage(actor, space)
    fields = []
    if door:
        space.door_token = new_token()
        fields.append("door_token")
    if feed:
        space.feed_token = new_token()
        fields.append("feed_token")
    if fields:
        space.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="update",
            obj=space,
            changes={f: ["***", "***"] for f in fields},
            detail="tokens rotated",
        )
    return space


# --- opening hours, exceptions, blocked periods ---------------------------------------------


def _hours_text(rows: Iterable[tuple[int, dt.time, dt.time]]) -> list[str]:
    return [f"{w}:{_hm(o)}-{_hm(c)}" for w, o, c in sorted(rows)]


def _check_windows(windows: list[tuple[int, dt.time, dt.time]]) -> None:
    errors: list[str] = []
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    names = dict(OpeningHours.Weekday.choices)
    for weekday, opens, closes in windows:
        if weekday not in names:
            errors.append(_("Unknown weekday %(day)s.") % {"day": weekday})
        elif closes <= opens:
            errors.append(
                _("%(day)s: the closing time must be after the opening time.")
                % {"day": names[weekday]}
            )
        else:
            by_day[weekday].append((opens, closes))
    for weekday, spans in by_day.items():
        spans.sort()
        if any(spans[i][0] < spans[i - 1][1] for i in range(1, len(spans))):
            errors.append(_("%(day)s: the opening windows overlap.") % {"day": names[weekday]})
    if errors:
        raise SpaceError({"opening_hours": errors})


@transaction.atomic
def opening_hours_set(
    *, actor, space: Space, windows: Iterable[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the weekly opening windows: (weekday 0=Monday, opens, closes)."""
    _require_manage(actor, space)
    rows = [(int(w), o, c) for w, o, c in windows]
    _check_windows(rows)
    before = _hours_text(space.opening_hours.values_list("weekday", "opens", "closes"))
    space.opening_hours.all().delete()
    created = OpeningHours.objects.bulk_create(
        OpeningHours(space=space, weekday=w, opens=o, closes=c) for w, o, c in sorted(rows)
    )
    after = _hours_text(rows)
    if before != after:
        audit.record(
            actor=actor, action="update", obj=space, changes={"opening_hours": [before, after]}
        )
    return created


@transaction.atomic
def opening_exception_add(
    *,
    actor,
    space: Space,
    date: dt.date,
    reason: str,
    closed: bool = True,
    opens: dt.time | None = None,
    closes: dt.time | None = None,
    note: str = "",
) -> OpeningException:
    _require_manage(actor, space)
    errors: dict[str, list[str]] = {}
    if reason not in OpeningException.Reason.values:
        errors["reason"] = [_("Please choose a reason.")]
    if closed:
        opens = closes = None
    elif opens is None or closes is None or closes <= opens:
        errors["closes"] = [_("Give special hours whose closing time is after the opening.")]
    if errors:
        raise SpaceError(errors)
    exception = OpeningException.objects.create(
        space=space,
        date=date,
        closed=closed,
        opens=opens,
        closes=closes,
        reason=reason,
        note=note.strip()[:200],
    )
    audit.record(
        actor=actor,
        action="create",
        obj=space,
        changes={"opening_exception": [None, f"{date} {reason} {_hm(opens) if opens else ''}"]},
    )
    return exception


@transaction.atomic
def opening_exception_remove(*, actor, exception: OpeningException) -> None:
    _require_manage(actor, exception.space)
    label = f"{exception.date} {exception.reason}"
    exception.delete()
    audit.record(
        actor=actor,
        action="delete",
        obj=exception.space,
        changes={"opening_exception": [label, None]},
    )


@transaction.atomic
def blocked_period_create(
    *,
    actor,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    overriders: Iterable = (),
) -> BlockedPeriod:
    """Block a period (works, a street event); the named overriders may still book it."""
    _require_manage(actor, space)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Please say why the space is blocked.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    if errors:
        raise SpaceError(errors)
    period = BlockedPeriod.objects.create(
        space=space,
        starts_at=_aware(starts_at),
        ends_at=_aware(ends_at),
        reason=reason.strip()[:200],
        created_by=actor,
    )
    people = list(overriders)
    period.overriders.set(people)
    audit.record(
        actor=actor,
        action="create",
        obj=period,
        changes=audit.diff(
            {},
            {
                "starts_at": _iso(period.starts_at),
                "ends_at": _iso(period.ends_at),
                "reason": period.reason,
                "overriders": sorted(str(u.uuid) for u in people),
            },
        ),
    )
    return period


@transaction.atomic
def blocked_period_delete(*, actor, period: BlockedPeriod) -> None:
    _require_manage(actor, period.space)
    audit.record(
        actor=actor,
        action="delete",
        obj=period,
        changes={"reason": [period.reason, None], "starts_at": [_iso(period.starts_at), None]},
    )
    period.delete()


# --- who books, and what a request must satisfy ----------------------------------------------


@dataclass
class _Ask:
    actor: object
    space: Space
    booker: object
    household: object | None
    organization: object | None
    purpose: str
    attendees: int
    booked_by: object | None = None


def _household_of(user):
    if not user.resident_id:
        return None
    from silin.places.models import Household

    return Household.objects.filter(residents__pk=user.resident_id).first()


def _check_org(ask: _Ask, on_behalf: bool) -> None:
    space, org = ask.space, ask.organization
    if not space.bookable_by_organizations:
        raise SpaceError({"organization": [_("Organisations may not book this space.")]})
    if on_behalf:
        same = (
            org.community.street_id == space.community.street_id
            if space.reach == Space.Reach.STREET
            else org.community_id == space.community_id
        )
        if not same:
            raise SpaceError({"organization": [_("This space is not open to this organisation.")]})
    elif not perms.leads_organization(ask.booker, space, org):
        raise SpaceError(
            {"organization": [_("You can book for an organisation only if you belong to it.")]}
        )


def _resolve(
    *, actor, space: Space, booker, household, organization, purpose: str, attendees: int
) -> _Ask:
    """Who books for whom; raises unless the actor may make this booking at all."""
    if not perms.can_view_space(actor, space):
        raise PermissionDenied
    booker = booker or actor
    on_behalf = booker.pk != actor.pk
    if on_behalf and not perms.can_book_on_behalf(actor, space):
        raise SpaceError({"booker": [_("You may not book this space for someone else.")]})
    own_household = _household_of(booker)
    if household is None:
        household = own_household
    elif own_household is not None and household.pk != own_household.pk:
        raise SpaceError({"household": [_("This is not the household of the person booking.")]})
    ask = _Ask(actor, space, booker, household, organization, purpose.strip(), attendees)
    ask.booked_by = actor if on_behalf else None
    if organization is not None:
        _check_org(ask, on_behalf)
    elif not perms.may_book_for_self(booker, space):
        message = (
            _("This space is not open to the person you are booking for.")
            if on_behalf
            else _("This space is not open to you for booking.")
        )
        raise SpaceError({"booker" if on_behalf else NON_FIELD: [message]})
    return ask


def _check_basics(ask: _Ask, minutes: int) -> dict[str, list[str]]:
    space, errors = ask.space, {}
    if not space.active:
        errors[NON_FIELD] = [_("This space is closed for booking.")]
    if not ask.purpose:
        errors["purpose"] = [_("Please say what the booking is for.")]
    elif len(ask.purpose) > 200:
        errors["purpose"] = [_("Please keep the purpose under 200 characters.")]
    if ask.attendees is None or ask.attendees < 1:
        errors["attendees"] = [_("At least one person attends.")]
    elif ask.attendees > space.capacity:
        errors["attendees"] = [
            _("This space holds at most %(capacity)d people.") % {"capacity": space.capacity}
        ]
    if minutes <= 0:
        errors["ends_at"] = [_("The end must be after the start.")]
    elif minutes < space.min_booking_minutes:
        errors["ends_at"] = [
            _("A booking here lasts at least %(minutes)d minutes.")
            % {"minutes": space.min_booking_minutes}
        ]
    elif minutes > space.max_booking_minutes:
        errors["ends_at"] = [
            _("A booking here lasts at most %(minutes)d minutes.")
            % {"minutes": space.max_booking_minutes}
        ]
    return errors


def _check_when(space: Space, starts_at: dt.datetime, now: dt.datetime) -> str:
    if starts_at < now:
        return _("This time has already passed.")
    if starts_at > now + dt.timedelta(days=space.book_ahead_days):
        return _("This space can be booked at most %(days)d days ahead.") % {
            "days": space.book_ahead_days
        }
    return ""


def _week_start(value: dt.datetime) -> dt.date:
    day = timezone.localdate(value)
    return day - dt.timedelta(days=day.weekday())


class _Quota:
    """Minutes already booked per week by the household and the organisation, at one space."""

    def __init__(self, ask: _Ask, first: dt.datetime, last: dt.datetime):
        space = ask.space
        self.limits = {
            "household": space.weekly_quota_household_minutes if ask.household else None,
            "organization": space.weekly_quota_organization_minutes if ask.organization else None,
        }
        self.used: dict[tuple[str, dt.date], int] = defaultdict(int)
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(_week_start(first), dt.time(0), tzinfo=tz)
        end = dt.datetime.combine(_week_start(last), dt.time(0), tzinfo=tz) + dt.timedelta(days=7)
        for who, obj in (("household", ask.household), ("organization", ask.organization)):
            if self.limits[who] is None:
                continue
            rows = Booking.objects.filter(
                space=space,
                status__in=Booking.LIVE_STATES,
                starts_at__gte=start,
                starts_at__lt=end,
                **{who: obj},
            ).values_list("starts_at", "ends_at")
            for s, e in rows:
                self.used[(who, _week_start(s))] += int((e - s).total_seconds() // 60)

    def problem(self, starts_at: dt.datetime, minutes: int) -> str:
        week = _week_start(starts_at)
        for who, label in (
            ("household", _("your household")),
            ("organization", _("the organisation")),
        ):
            limit = self.limits[who]
            if limit is not None and self.used[(who, week)] + minutes > limit:
                return _(
                    "This would take %(who)s over its weekly quota here: %(used)d of "
                    "%(limit)d minutes are already booked in the week of %(week)s."
                ) % {"who": label, "used": self.used[(who, week)], "limit": limit, "week": week}
        return ""

    def add(self, starts_at: dt.datetime, minutes: int) -> None:
        for who in ("household", "organization"):
            if self.limits[who] is not None:
                self.used[(who, _week_start(starts_at))] += minutes


def _offers(space: Space, starts_at, ends_at, now) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.objects.filter(
            space=space,
            state=WaitlistEntry.State.OFFERED,
            offer_expires_at__gt=now,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
    )


@dataclass
class _Problem:
    code: str  # closed | blocked | taken | held | mine | quota
    field: str
    message: str


def _closed_message(cal: SpaceCalendar, starts_at: dt.datetime) -> str:
    windows = cal.windows(timezone.localdate(starts_at))
    if not windows:
        return _("The space is closed that day.")
    spans = ", ".join(f"{_hm(o)}–{_hm(c)}" for o, c in windows)
    return _("The space is not open for all of this time. Opening hours that day: %(hours)s.") % {
        "hours": spans
    }


def _slot_problem(
    ask: _Ask, cal: SpaceCalendar, starts_at, ends_at, offers, *, skip_offer=None
) -> _Problem | None:
    """Why [starts_at, ends_at) cannot be booked now, or None."""
    if not cal.window_holding(starts_at, ends_at):
        return _Problem("closed", "starts_at", _closed_message(cal, starts_at))
    block = cal.blocked_for(starts_at, ends_at, ask.actor)
    if block is not None:
        return _Problem(
            "blocked",
            "starts_at",
            _("This time is blocked: %(reason)s.") % {"reason": block.reason},
        )
    if cal.confirmed_overlap(starts_at, ends_at) is not None:
        message = _(
            "This time is already booked. Please choose another time or join the waiting list."
        )
        return _Problem("taken", "starts_at", message)
    for b in cal.requests_overlapping(starts_at, ends_at):
        if b.booker_id == ask.booker.pk:
            return _Problem("mine", "starts_at", _("You have already asked for this time."))
    for entry in offers:
        mine_or_claimed = entry.pk == skip_offer or entry.user_id == ask.booker.pk
        if not mine_or_claimed and entry.starts_at < ends_at and entry.ends_at > starts_at:
            message = _(
                "This time is being offered to someone on the waiting list until %(time)s."
            ) % {"time": _hm(entry.offer_expires_at)}
            return _Problem("held", "starts_at", message)
    return None


def _auto_approved(ask: _Ask) -> bool:
    space = ask.space
    if not space.approval_required:
        return True
    return perms.manages(ask.actor, space) or perms.is_approver(ask.actor, space)


def _booking_state(b: Booking) -> dict:
    return {
        "space": _uuid(b.space),
        "booker": _uuid(b.booker),
        "booked_by": _uuid(b.booked_by),
        "household": _uuid(b.household),
        "organization": _uuid(b.organization),
        "purpose": b.purpose,
        "attendees": b.attendees,
        "starts_at": _iso(b.starts_at),
        "ends_at": _iso(b.ends_at),
        "status": b.status,
        "decision_reason": b.decision_reason,
    }


def _new_booking(ask: _Ask, starts_at, ends_at, status: str, series=None) -> Booking:
    space = ask.space
    return Booking(
        space=space,
        community_id=space.community_id,
        compound_id=space.compound_id,
        booker=ask.booker,
        household=ask.household,
        organization=ask.organization,
        booked_by=ask.booked_by,
        purpose=ask.purpose,
        attendees=ask.attendees,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        series=series,
        decided_by=ask.actor if status == Booking.Status.APPROVED else None,
        decided_at=timezone.now() if status == Booking.Status.APPROVED else None,
    )


def _insert(bookings: list[Booking]) -> list[Booking]:
    """Save new bookings; a lost race on PostgreSQL's exclusion constraint is SlotTaken."""
    try:
        with transaction.atomic():
            if len(bookings) == 1:
                bookings[0].save()
                return bookings
            return Booking.objects.bulk_create(bookings)
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise _taken_a_moment_ago() from exc
        raise


def _save_status(booking: Booking, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            booking.save(update_fields=fields)
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise _taken_a_moment_ago() from exc
        raise


# --- notices and scheduled work --------------------------------------------------------------


def _notify(user, kind: str, compose, *, url: str = "", sms: bool = False) -> None:
    """Compose the notice in the recipient's language and send it once committed."""
    with in_language_of(user):
        title, body = compose()
        title, body = str(title), str(body)
    transaction.on_commit(
        lambda: notification_send(user=user, kind=kind, title=title, body=body, url=url, sms=sms)
    )


def _describe(b: Booking) -> str:
    return _("%(space)s, %(start)s–%(end)s") % {
        "space": b.space.name,
        "start": _when(b.starts_at),
        "end": _hm(b.ends_at),
    }


def _schedule(bookings: Iterable[Booking]) -> None:
    ids = [b.pk for b in bookings if b.status == Booking.Status.APPROVED]
    if ids:
        from silin.spaces.tasks import schedule_booking_tasks

        transaction.on_commit(lambda: schedule_booking_tasks(ids))


def _reject_requests(requests: list[Booking], *, actor, reason: str) -> list[Booking]:
    now = timezone.now()
    for r in requests:
        r.status = Booking.Status.REJECTED
        r.decision_reason = reason
        r.decided_by = actor
        r.decided_at = now
        r.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="update",
            obj=r,
            changes={
                "status": [Booking.Status.REQUESTED, r.status],
                "decision_reason": ["", reason],
            },
            detail="rejected: overlaps an approved booking",
        )
        _notify(
            r.booker,
            "booking_rejected",
            lambda r=r: (
                _("Booking request not approved"),
                _("%(booking)s. Reason: %(reason)s")
                % {"booking": _describe(r), "reason": r.decision_reason},
            ),
            url=_booking_url(r),
            sms=True,
        )
    return requests


def _after_create(ask: _Ask, bookings: list[Booking]) -> None:
    first = bookings[0]
    if ask.booked_by is not None:
        _notify(
            ask.booker,
            "booking_made_for_you",
            lambda: (
                _("%(name)s booked a space for you") % {"name": ask.actor},
                _describe(first)
                + (
                    _(" and %(n)d more dates") % {"n": len(bookings) - 1}
                    if len(bookings) > 1
                    else ""
                ),
            ),
            url=_booking_url(first),
            sms=True,
        )
    manager = ask.space.manager
    if first.status == Booking.Status.REQUESTED and manager and manager.pk != ask.actor.pk:
        _notify(
            manager,
            "booking_requested",
            lambda: (_("A booking request awaits your approval"), _describe(first)),
            url=reverse("spaces:approval-queue"),
        )
    _schedule(bookings)


# --- bookings --------------------------------------------------------------------------------


def _raise_first(errors: dict[str, list[str]]) -> None:
    if errors:
        raise SpaceError(errors)


@transaction.atomic
def booking_create(
    *,
    actor,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    attendees: int,
    booker=None,
    household=None,
    organization=None,
) -> Booking:
    """Book [starts_at, ends_at) of `space` for `booker` (default: the actor)."""
    return _create_one(
        actor=actor,
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        attendees=attendees,
        booker=booker,
        household=household,
        organization=organization,
    )


def _create_one(*, skip_offer=None, **kw) -> Booking:
    starts_at, ends_at = _aware(kw.pop("starts_at")), _aware(kw.pop("ends_at"))
    ask = _resolve(**kw)
    now = timezone.now()
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    errors = _check_basics(ask, minutes)
    when = _check_when(ask.space, starts_at, now)
    if when:
        errors.setdefault("starts_at", []).append(when)
    _raise_first(errors)
    ask.space = _lock(ask.space)
    cal = SpaceCalendar.load(ask.space, starts_at, ends_at, with_overriders=True)
    problem = _slot_problem(
        ask,
        cal,
        starts_at,
        ends_at,
        _offers(ask.space, starts_at, ends_at, now),
        skip_offer=skip_offer,
    )
    if problem is None:
        problem = _quota_problem(ask, starts_at, minutes)
    if problem is not None:
        error_class = SlotTaken if problem.code == "taken" else SpaceError
        raise error_class({problem.field: [problem.message]})
    status = Booking.Status.APPROVED if _auto_approved(ask) else Booking.Status.REQUESTED
    booking = _insert([_new_booking(ask, starts_at, ends_at, status)])[0]
    audit.record(
        actor=ask.actor,
        action="create",
        obj=booking,
        changes=audit.diff({}, _booking_state(booking)),
    )
    if status == Booking.Status.APPROVED:
        _reject_requests(
            cal.requests_overlapping(starts_at, ends_at),
            actor=ask.actor,
            reason=_("Another booking was confirmed for this time."),
        )
    _after_create(ask, [booking])
    return booking


def _quota_problem(ask: _Ask, starts_at: dt.datetime, minutes: int) -> _Problem | None:
    message = _Quota(ask, starts_at, starts_at).problem(starts_at, minutes)
    return _Problem("quota", "ends_at", message) if message else None


# --- series ----------------------------------------------------------------------------------


@dataclass
class SkippedDate:
    starts_at: dt.datetime
    reason: str  # closed | blocked | taken | held | mine | quota | past | overlap
    message: str


@dataclass
class SeriesResult:
    series: BookingSeries
    bookings: list[Booking]
    skipped: list[SkippedDate] = field(default_factory=list)


def _rule_message(exc: recurrence.RecurrenceError, space: Space) -> str:
    messages = {
        "invalid": _("This repeat rule cannot be read. Example: FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8."),
        "frequency": _("A booking can repeat daily, weekly, monthly or yearly, not more often."),
        "no_end": _(
            "A repeating booking must end: give an end date (UNTIL) or a number of times (COUNT)."
        ),
        "too_many": _("This rule gives more than %(max)d dates. Please end it sooner.")
        % {"max": recurrence.MAX_OCCURRENCES},
        "empty": _("This rule gives no dates at all."),
    }
    if exc.code == "horizon":
        return _(
            "This rule goes beyond how far ahead the space may be booked (%(days)d days): "
            "%(date)s is too late."
        ) % {
            "days": space.book_ahead_days,
            "date": formats.date_format(timezone.localtime(exc.last), "DATE_FORMAT")
            if exc.last
            else "",
        }
    return messages.get(exc.code, messages["invalid"])


def _expand(rrule: str, first: dt.datetime, space: Space, now: dt.datetime) -> list[dt.datetime]:
    try:
        return recurrence.expand(
            rrule,
            first_start=first,
            tz=timezone.get_current_timezone(),
            horizon=now + dt.timedelta(days=space.book_ahead_days),
        )
    except recurrence.RecurrenceError as exc:
        raise SpaceError({"rrule": [_rule_message(exc, space)]}) from exc


def _sort_dates(
    ask: _Ask, starts: list[dt.datetime], minutes: int, now: dt.datetime
) -> tuple[list[dt.datetime], list[SkippedDate]]:
    """Split the rule's dates into bookable ones and skipped ones (with the reason)."""
    length = dt.timedelta(minutes=minutes)
    cal = SpaceCalendar.load(ask.space, starts[0], starts[-1] + length, with_overriders=True)
    offers = _offers(ask.space, starts[0], starts[-1] + length, now)
    quota = _Quota(ask, starts[0], starts[-1])
    good: list[dt.datetime] = []
    skipped: list[SkippedDate] = []
    for s in starts:
        if s < now:
            problem = _Problem("past", "rrule", _("This time has already passed."))
        elif good and good[-1] + length > s:
            problem = _Problem(
                "overlap", "rrule", _("It overlaps the previous date of the series.")
            )
        else:
            problem = _slot_problem(ask, cal, s, s + length, offers)
            if problem is None and (q := quota.problem(s, minutes)):
                problem = _Problem("quota", "rrule", q)
        if problem is not None:
            skipped.append(SkippedDate(s, problem.code, problem.message))
            continue
        quota.add(s, minutes)
        good.append(s)
    return good, skipped


def _skipped_lines(skipped: list[SkippedDate]) -> list[str]:
    return [
        _("%(date)s: %(message)s") % {"date": _when(s.starts_at), "message": s.message}
        for s in skipped
    ]


@transaction.atomic
def booking_series_create(
    *,
    actor,
    space: Space,
    rrule: str,
    first_starts_at: dt.datetime,
    duration_minutes: int,
    purpose: str,
    attendees: int,
    booker=None,
    household=None,
    organization=None,
    skip_clashes: bool = True,
) -> SeriesResult:
    """Book every date of an RFC 5545 rule, all or nothing.

    With `skip_clashes`, dates that are closed, blocked, taken or over quota are left out and
    reported in `skipped`; without it, any such date fails the whole series listing them.
    """
    first = _aware(first_starts_at)
    ask = _resolve(
        actor=actor,
        space=space,
        booker=booker,
        household=household,
        organization=organization,
        purpose=purpose,
        attendees=attendees,
    )
    now = timezone.now()
    errors = _check_basics(ask, int(duration_minutes or 0))
    if first < now:
        errors.setdefault("first_starts_at", []).append(_("This time has already passed."))
    _raise_first(errors)
    starts = _expand(rrule, first, ask.space, now)
    ask.space = _lock(ask.space)
    good, skipped = _sort_dates(ask, starts, duration_minutes, now)
    if skipped and not skip_clashes:
        raise SpaceError({"rrule": [_("These dates cannot be booked:"), *_skipped_lines(skipped)]})
    if not good:
        raise SpaceError(
            {"rrule": [_("None of the dates can be booked:"), *_skipped_lines(skipped)]}
        )
    return _save_series(ask, rrule, first, duration_minutes, good, skipped)


def _save_series(ask, rrule, first, minutes, good, skipped) -> SeriesResult:
    count, until = recurrence.bounds(rrule, first_start=first, tz=timezone.get_current_timezone())
    series = BookingSeries.objects.create(
        space=ask.space,
        booker=ask.booker,
        booked_by=ask.booked_by,
        household=ask.household,
        organization=ask.organization,
        purpose=ask.purpose,
        attendees=ask.attendees,
        rrule=rrule.strip()[:500],
        first_starts_at=first,
        duration_minutes=minutes,
        until=until,
        count=count,
        skipped=[
            {"starts_at": s.starts_at.isoformat(), "reason": s.reason, "message": s.message}
            for s in skipped
        ],
    )
    status = Booking.Status.APPROVED if _auto_approved(ask) else Booking.Status.REQUESTED
    length = dt.timedelta(minutes=minutes)
    bookings = _insert([_new_booking(ask, s, s + length, status, series) for s in good])
    if status == Booking.Status.APPROVED:
        cal = SpaceCalendar.load(ask.space, good[0], good[-1] + length)
        reason = _("Another booking was confirmed for this time.")
        for b in bookings:
            _reject_requests(
                [
                    r
                    for r in cal.requests_overlapping(b.starts_at, b.ends_at)
                    if r.status == "requested"
                ],
                actor=ask.actor,
                reason=reason,
            )
    audit.record(
        actor=ask.actor,
        action="create",
        obj=series,
        changes=audit.diff(
            {},
            {
                "rrule": series.rrule,
                "first_starts_at": _iso(first),
                "duration_minutes": minutes,
                "bookings": len(bookings),
                "skipped": [s.starts_at.isoformat() for s in skipped],
                "status": status,
            },
        ),
    )
    _after_create(ask, bookings)
    return SeriesResult(series=series, bookings=bookings, skipped=skipped)


# --- decisions -------------------------------------------------------------------------------


def _relock(booking: Booking) -> tuple[Space, Booking]:
    space = _lock(booking.space)
    fresh = (
        Booking.objects.select_for_update()
        .select_related("space__community", "booker")
        .get(pk=booking.pk)
    )
    fresh.space = space
    return space, fresh


def _may_decide(actor, space: Space) -> bool:
    return perms.manages(actor, space) or perms.is_approver(actor, space)


def _not_awaiting(booking: Booking) -> SpaceError:
    return SpaceError(
        _("This request is no longer awaiting approval (it is now: %(status)s).")
        % {"status": booking.get_status_display()}
    )


@transaction.atomic
def booking_approve(*, actor, booking: Booking, reason: str = "") -> Booking:
    """Approve a request; the requests it overlaps are rejected and told why."""
    if not _may_decide(actor, booking.space):
        raise PermissionDenied
    space, booking = _relock(booking)
    if booking.status != Booking.Status.REQUESTED:
        raise _not_awaiting(booking)
    if booking.ends_at <= timezone.now():
        raise SpaceError(_("This request is for a time that has passed."))
    cal = SpaceCalendar.load(space, booking.starts_at, booking.ends_at)
    if cal.confirmed_overlap(booking.starts_at, booking.ends_at) is not None:
        raise SlotTaken(
            _("Another booking was confirmed for this time; this request cannot be approved.")
        )
    booking.status = Booking.Status.APPROVED
    booking.decision_reason = reason.strip()[:300]
    booking.decided_by, booking.decided_at = actor, timezone.now()
    _save_status(booking, ["status", "decision_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=booking,
        changes={"status": [Booking.Status.REQUESTED, booking.status]},
        detail="approved",
    )
    _reject_requests(
        cal.requests_overlapping(booking.starts_at, booking.ends_at, exclude_pk=booking.pk),
        actor=actor,
        reason=_("Another request for this time was approved."),
    )
    _notify(
        booking.booker,
        "booking_approved",
        lambda: (_("Booking approved"), _describe(booking)),
        url=_booking_url(booking),
        sms=True,
    )
    _schedule([booking])
    return booking


@transaction.atomic
def booking_reject(*, actor, booking: Booking, reason: str) -> Booking:
    if not _may_decide(actor, booking.space):
        raise PermissionDenied
    if not (reason or "").strip():
        raise SpaceError({"reason": [_("Please give the reason; the person asking will see it.")]})
    _space, booking = _relock(booking)
    if booking.status != Booking.Status.REQUESTED:
        raise _not_awaiting(booking)
    _reject_requests([booking], actor=actor, reason=reason.strip()[:300])
    return booking


def _offer_free_slot(space: Space, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    now = timezone.now()
    starts_at = max(starts_at, now)
    if ends_at > starts_at:
        waitlist_offer(space=space, starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def booking_cancel(*, actor, booking: Booking, reason: str = "") -> Booking:
    """Cancel a request or booking; a freed slot is offered to the waiting list."""
    if not perms.can_view_booking(actor, booking):
        raise PermissionDenied
    space, booking = _relock(booking)
    if booking.status not in (Booking.Status.REQUESTED, Booking.Status.APPROVED):
        raise SpaceError(
            _("This booking cannot be cancelled any more (it is: %(status)s).")
            % {"status": booking.get_status_display()}
        )
    if not perms.can_cancel_booking(actor, booking):
        raise SpaceError(
            _("A booking that has started can only be cancelled by the space's staff.")
        )
    held = booking.status == Booking.Status.APPROVED
    booking.status = Booking.Status.CANCELLED
    booking.decision_reason = (reason or "").strip()[:300]
    booking.decided_by, booking.decided_at = actor, timezone.now()
    booking.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=booking,
        changes={
            "status": [Booking.Status.APPROVED if held else Booking.Status.REQUESTED, "cancelled"]
        },
        detail="cancelled",
    )
    if actor.pk != booking.booker_id:
        _notify(
            booking.booker,
            "booking_cancelled",
            lambda: (
                _("Your booking was cancelled"),
                _describe(booking)
                + (
                    _(". Reason: %(reason)s") % {"reason": booking.decision_reason}
                    if booking.decision_reason
                    else ""
                ),
            ),
            url=_booking_url(booking),
            sms=True,
        )
    if held:
        _offer_free_slot(space, booking.starts_at, booking.ends_at)
    return booking


# --- check-in and release --------------------------------------------------------------------


def _check_in_window(booking: Booking, *, staff: bool) -> tuple[dt.datetime, dt.datetime]:
    opens = booking.starts_at - dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
    closes = (
        booking.ends_at
        if staff
        else booking.starts_at + dt.timedelta(minutes=booking.space.check_in_grace_minutes)
    )
    return opens, closes


def _check_in_error(booking: Booking, now: dt.datetime, *, staff: bool) -> str:
    if booking.status != Booking.Status.APPROVED:
        return _("Only a confirmed booking can be checked in (this one is: %(status)s).") % {
            "status": booking.get_status_display()
        }
    opens, closes = _check_in_window(booking, staff=staff)
    if now < opens:
        return _("Check-in opens %(minutes)d minutes before the start, at %(time)s.") % {
            "minutes": CHECK_IN_EARLY_MINUTES,
            "time": _hm(opens),
        }
    if now > closes:
        return _("Check-in closed at %(time)s.") % {"time": _hm(closes)}
    return ""


@transaction.atomic
def booking_check_in(*, actor, booking: Booking, door_token: str | None = None) -> Booking:
    """Check a booking in: the booker with the door's code, or staff on their behalf."""
    staff = perms.manages(actor, booking.space)
    own = actor.pk == booking.booker_id
    if not (staff or own):
        raise PermissionDenied
    if not staff and not constant_time_compare(door_token or "", booking.space.door_token):
        raise SpaceError(
            {"door_token": [_("Scan the code at the door of this space to check in.")]}
        )
    _space, booking = _relock(booking)
    if booking.status == Booking.Status.CHECKED_IN:
        return booking
    message = _check_in_error(booking, timezone.now(), staff=staff)
    if message:
        raise SpaceError(message)
    booking.status = Booking.Status.CHECKED_IN
    booking.checked_in_at, booking.checked_in_by = timezone.now(), actor
    booking.save(update_fields=["status", "checked_in_at", "checked_in_by"])
    audit.record(
        actor=actor,
        action="update",
        obj=booking,
        changes={"status": [Booking.Status.APPROVED, booking.status]},
        detail="checked in" if own else "checked in on behalf",
    )
    return booking


def booking_check_in_at_door(*, actor, door_token: str) -> Booking:
    """The door's QR link: check in the actor's booking of that space that is due now."""
    from silin.spaces.selectors import space_by_door_token

    space = space_by_door_token(token=door_token)
    now = timezone.now()
    early = now + dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
    late = now - dt.timedelta(minutes=space.check_in_grace_minutes)
    mine = Booking.objects.filter(space=space, booker_id=actor.pk).select_related("space")
    due = (
        mine.filter(status__in=Booking.CONFIRMED_STATES, starts_at__lte=early, starts_at__gte=late)
        .order_by("starts_at")
        .first()
    )
    if due is not None:
        return booking_check_in(actor=actor, booking=due, door_token=door_token)
    upcoming = (
        mine.filter(status=Booking.Status.APPROVED, starts_at__gt=early)
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        raise SpaceError(
            _("Your next booking here starts %(when)s; check-in opens %(minutes)d minutes before.")
            % {"when": _when(upcoming.starts_at), "minutes": CHECK_IN_EARLY_MINUTES}
        )
    raise SpaceError(_("You have no booking here to check in to right now."))


@transaction.atomic
def booking_release_no_show(*, booking_id: int) -> Booking | None:
    """Release a booking not checked in within the grace period; None if nothing to do."""
    booking = Booking.objects.select_related("space__community").filter(pk=booking_id).first()
    if booking is None or booking.status != Booking.Status.APPROVED:
        return None
    space, booking = _relock(booking)
    now = timezone.now()
    grace_end = booking.starts_at + dt.timedelta(minutes=space.check_in_grace_minutes)
    if booking.status != Booking.Status.APPROVED or now < grace_end:
        return None
    booking.status = Booking.Status.NO_SHOW
    booking.decided_at = now
    # Tasks run in the site's default language (zh-hans), which residents read.
    booking.decision_reason = str(_("Not checked in within the grace period."))
    booking.save(update_fields=["status", "decided_at", "decision_reason"])
    audit.record(
        actor=None,
        action="update",
        obj=booking,
        changes={"status": [Booking.Status.APPROVED, booking.status]},
        detail="released: not checked in",
    )
    _notify(
        booking.booker,
        "booking_released",
        lambda: (
            _("Your booking was released"),
            _("%(booking)s. Nobody checked in within %(minutes)d minutes of the start.")
            % {"booking": _describe(booking), "minutes": space.check_in_grace_minutes},
        ),
        url=_booking_url(booking),
    )
    _offer_free_slot(space, now, booking.ends_at)
    return booking


# --- waiting list ----------------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *,
    actor,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    attendees: int,
    household=None,
    organization=None,
) -> WaitlistEntry:
    """Wait for a taken slot; it is offered, first come first served, when it is freed."""
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    ask = _resolve(
        actor=actor,
        space=space,
        booker=None,
        household=household,
        organization=organization,
        purpose=purpose,
        attendees=attendees,
    )
    now = timezone.now()
    errors = _check_basics(ask, int((ends_at - starts_at).total_seconds() // 60))
    if when := _check_when(space, starts_at, now):
        errors.setdefault("starts_at", []).append(when)
    _raise_first(errors)
    cal = SpaceCalendar.load(space, starts_at, ends_at, with_overriders=True)
    taken = cal.confirmed_overlap(starts_at, ends_at) is not None or _offers(
        space, starts_at, ends_at, now
    )
    if not taken:
        problem = _slot_problem(ask, cal, starts_at, ends_at, [])
        raise SpaceError(
            {
                "starts_at": [
                    problem.message if problem else _("This time is free: book it directly.")
                ]
            }
        )
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                space=space,
                starts_at=starts_at,
                ends_at=ends_at,
                user=actor,
                household=ask.household,
                organization=ask.organization,
                purpose=ask.purpose,
                attendees=ask.attendees,
            )
    except IntegrityError as exc:
        raise SpaceError(_("You are already on the waiting list for this time.")) from exc
    audit.record(
        actor=actor,
        action="create",
        obj=entry,
        changes=audit.diff({}, {"starts_at": _iso(starts_at), "ends_at": _iso(ends_at)}),
    )
    return entry


def waitlist_offer(
    *, space: Space, starts_at: dt.datetime, ends_at: dt.datetime
) -> list[WaitlistEntry]:
    """Offer a freed range to the waiting list: each earliest entry whose slot is now free.

    Runs inside the caller's transaction (which holds the space's lock).
    """
    now = timezone.now()
    waiting = list(
        WaitlistEntry.objects.filter(
            space=space,
            state=WaitlistEntry.State.WAITING,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(starts_at__lt=now)
        .select_related("user")
        .order_by("created_at", "id")
    )
    if not waiting:
        return []
    lo = min(w.starts_at for w in waiting)
    hi = max(w.ends_at for w in waiting)
    cal = SpaceCalendar.load(space, lo, hi)
    held = _offers(space, lo, hi, now)
    offered: list[WaitlistEntry] = []
    for entry in waiting:
        if cal.confirmed_overlap(entry.starts_at, entry.ends_at) is not None:
            continue
        if cal.blocked_for(entry.starts_at, entry.ends_at) is not None:
            continue
        if any(h.starts_at < entry.ends_at and h.ends_at > entry.starts_at for h in held):
            continue
        _offer(entry, now)
        held.append(entry)
        offered.append(entry)
    return offered


def _offer(entry: WaitlistEntry, now: dt.datetime) -> None:
    entry.state = WaitlistEntry.State.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = min(now + dt.timedelta(minutes=OFFER_MINUTES), entry.ends_at)
    entry.save(update_fields=["state", "offered_at", "offer_expires_at"])
    audit.record(
        actor=None,
        action="update",
        obj=entry,
        changes={"state": [WaitlistEntry.State.WAITING, entry.state]},
        detail="offered",
    )
    _notify(
        entry.user,
        "waitlist_offer",
        lambda: (
            _("A time you waited for is free"),
            _("%(space)s, %(start)s–%(end)s. Claim it before %(deadline)s.")
            % {
                "space": entry.space.name,
                "start": _when(entry.starts_at),
                "end": _hm(entry.ends_at),
                "deadline": _hm(entry.offer_expires_at),
            },
        ),
        url=reverse("spaces:booking-mine"),
        sms=True,
    )
    entry_id, when = entry.pk, entry.offer_expires_at

    def schedule():
        from silin.spaces.tasks import enqueue_at, waitlist_offer_expire_task

        enqueue_at(waitlist_offer_expire_task, when, entry_id)

    transaction.on_commit(schedule)


@transaction.atomic
def waitlist_claim(*, actor, entry: WaitlistEntry) -> Booking:
    """Take up an offer: the slot is booked for the actor (approval rules as usual)."""
    if entry.user_id != actor.pk:
        raise PermissionDenied
    _lock(entry.space)
    entry = WaitlistEntry.objects.select_for_update().select_related("space").get(pk=entry.pk)
    if entry.state != WaitlistEntry.State.OFFERED or entry.offer_expires_at <= timezone.now():
        raise SpaceError(_("This offer is no longer open."))
    booking = _create_one(
        skip_offer=entry.pk,
        actor=actor,
        space=entry.space,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        purpose=entry.purpose,
        attendees=entry.attendees,
        booker=None,
        household=entry.household,
        organization=entry.organization,
    )
    entry.state, entry.booking = WaitlistEntry.State.CLAIMED, booking
    entry.save(update_fields=["state", "booking"])
    audit.record(
        actor=actor,
        action="update",
        obj=entry,
        changes={"state": [WaitlistEntry.State.OFFERED, entry.state]},
        detail="claimed",
    )
    return booking


@transaction.atomic
def waitlist_withdraw(*, actor, entry: WaitlistEntry) -> WaitlistEntry:
    if entry.user_id != actor.pk:
        raise PermissionDenied
    space = _lock(entry.space)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.state not in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
        raise SpaceError(_("This waiting-list entry is already closed."))
    was_offered = entry.state == WaitlistEntry.State.OFFERED
    before = entry.state
    entry.state = WaitlistEntry.State.WITHDRAWN
    entry.save(update_fields=["state"])
    audit.record(actor=actor, action="update", obj=entry, changes={"state": [before, entry.state]})
    if was_offered:
        waitlist_offer(space=space, starts_at=entry.starts_at, ends_at=entry.ends_at)
    return entry


@transaction.atomic
def waitlist_expire_offer(*, entry_id: int) -> WaitlistEntry | None:
    """An offer not claimed in time lapses and goes to the next in line; None if stale."""
    entry = WaitlistEntry.objects.select_related("space").filter(pk=entry_id).first()
    if entry is None or entry.state != WaitlistEntry.State.OFFERED:
        return None
    space = _lock(entry.space)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry_id)
    if entry.state != WaitlistEntry.State.OFFERED or entry.offer_expires_at > timezone.now():
        return None
    entry.state = WaitlistEntry.State.EXPIRED
    entry.save(update_fields=["state"])
    audit.record(
        actor=None,
        action="update",
        obj=entry,
        changes={"state": [WaitlistEntry.State.OFFERED, entry.state]},
        detail="offer expired",
    )
    _offer_free_slot(space, entry.starts_at, entry.ends_at)
    return entry


# --- calendar feed tokens --------------------------------------------------------------------


def personal_feed_token(*, user) -> str:
    """The token of `user`'s personal calendar feed, created on first use."""
    feed, _created = PersonalFeed.objects.get_or_create(user=user)
    return feed.token


@transaction.atomic
def personal_feed_rotate(*, actor) -> str:
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
