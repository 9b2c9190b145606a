"""Which spaces an actor sees, the directory's filters, one space, and what a page shows
of a space's hours.

Three ways to reach a space (see permissions.py): staff scope, home (a resident's reach)
and being named (manager, approver). Outside them a space answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, Field, OuterRef, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from silin.accounts.models import RoleAssignment
from silin.accounts.models import User as Account
from silin.core.roles import CAPABILITY_ROLES, Capability
from silin.core.scoping import Scope, scope_for, user_memo
from silin.lib.http import parse_uuid
from silin.lib.prepared import Prepared
from silin.places.models import Compound
from silin.spaces import permissions as perms
from silin.spaces.models import (
    BlockedPeriod,
    Booking,
    OpeningException,
    OpeningHours,
    PersonalFeed,
    Space,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from silin.accounts.models import User
    from silin.places.models import Community

    Actor = User | AnonymousUser

Windows = list[tuple[dt.time, dt.time]]


def scope_q(scope: Scope) -> Q:
    """A scope over a model with `community` and `compound` (spaces, bookings, records)."""
    return scope.q(street="community__street_id", community="community_id", compound="compound_id")


def _home_q(home: perms.Home) -> Q:
    return (
        Q(reach=Space.Reach.STREET, community__street_id=home.street_id)
        | Q(reach=Space.Reach.COMMUNITY, community_id=home.community_id)
        | Q(reach=Space.Reach.COMPOUND, compound__isnull=True, community_id=home.community_id)
        | Q(reach=Space.Reach.COMPOUND, compound_id=home.compound_id)
    )


def _visible_q(actor: Actor) -> Q | None:
    """The spaces `actor` may see (see permissions.py), or None for none at all."""
    if not perms.authenticated(actor):
        return None
    run = scope_for(actor, Capability.MANAGE_SPACES)
    figures = scope_for(actor, Capability.VIEW_SPACE_FIGURES)
    staff = perms.staff_scope(actor)
    home_q = Q(pk__in=[])
    for home in perms.homes(actor):
        home_q |= _home_q(home)
    if run.empty and figures.empty and staff.empty and not perms.homes(actor):
        return Q(manager_id=actor.pk)
    return (
        scope_q(run)
        | scope_q(figures)
        | Q(manager_id=actor.pk)
        | (Q(active=True) & (scope_q(staff) | home_q))
    )


@dataclass
class SpaceFilters:
    kind: str = ""
    compound: uuid_lib.UUID | str | None = None
    community: uuid_lib.UUID | str | None = None
    open_now: bool = False
    accessible: bool = False
    free_from: dt.datetime | None = None
    free_until: dt.datetime | None = None
    q: str = ""


def _open_during_q(starts_at: dt.datetime, ends_at: dt.datetime) -> Q:
    """Spaces whose opening hours of that day hold the whole of [starts_at, ends_at)."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date() and end.time() != dt.time(0):
        return Q(pk__in=[])
    day, t1 = start.date(), start.time()
    t2 = end.time() if end.date() == day else dt.time.max
    on_day = OpeningException.objects.filter(date=day).values("space_id")
    by_hours = OpeningHours.objects.filter(
        weekday=day.weekday(), opens__lte=t1, closes__gte=t2
    ).values("space_id")
    by_exception = OpeningException.objects.filter(
        date=day, closed=False, opens__lte=t1, closes__gte=t2
    ).values("space_id")
    closed = OpeningException.objects.filter(date=day, closed=True).values("space_id")
    return (Q(pk__in=by_hours) & ~Q(pk__in=on_day)) | (Q(pk__in=by_exception) & ~Q(pk__in=closed))


def _not_blocked_q(starts_at: dt.datetime, ends_at: dt.datetime) -> Q:
    blocked = BlockedPeriod.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    return ~Q(pk__in=blocked.values("space_id"))


def _free_q(free_from: dt.datetime, free_until: dt.datetime) -> Q:
    taken = Booking.objects.holding().overlapping(free_from, free_until)
    return (
        _open_during_q(free_from, free_until)
        & _not_blocked_q(free_from, free_until)
        & ~Q(pk__in=taken.values("space_id"))
    )


def _apply_filters(qs: QuerySet[Space], f: SpaceFilters) -> QuerySet[Space]:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.compound:
        value = parse_uuid(f.compound)
        qs = qs.filter(compound__uuid=value) if value else qs.none()
    if f.community:
        value = parse_uuid(f.community)
        qs = qs.filter(community__uuid=value) if value else qs.none()
    if f.accessible:
        qs = qs.filter(step_free=True)
    if f.q.strip():
        qs = qs.filter(name__icontains=f.q.strip())
    if f.open_now:
        now = timezone.now()
        minute = now + dt.timedelta(minutes=1)
        qs = qs.filter(_open_during_q(now, minute) & _not_blocked_q(now, minute))
    if f.free_from and f.free_until:
        if f.free_until <= f.free_from:
            return qs.none()
        qs = qs.filter(_free_q(f.free_from, f.free_until))
    return qs


def space_list_for(*, actor: Actor, filters: SpaceFilters | None = None) -> QuerySet[Space]:
    """Spaces `actor` may see, filtered; residents see open spaces within their reach."""
    visible = _visible_q(actor)
    if visible is None:
        return Space.objects.none()
    qs: QuerySet[Space] = Space.objects.filter(visible).select_related(
        "community", "compound", "parent"
    )
    qs = _apply_filters(qs, filters or SpaceFilters())
    return qs.order_by("community__name", "name", "id")


SPACE_PAGE_RELATED = ("community__street", "compound", "parent", "managed_by", "manager")


_SPACE_BY_UUID: dict[tuple[tuple[str, ...], bool], Prepared[Space]] = {}


def _space_by_uuid(related: tuple[str, ...], held: bool) -> Prepared[Space]:
    """The lookup of `space_get`, compiled once for each `related` (`lib.prepared`): the
    booking POST of a rush spent a third of its Python building and compiling it."""
    key = (related, held)
    if (query := _SPACE_BY_UUID.get(key)) is not None:
        return query

    def build(uuid: uuid_lib.UUID, *held_over: dt.datetime) -> QuerySet[Space]:
        spaces = Space.objects.select_related("community", *related).filter(uuid=uuid)
        if held_over:
            confirmed = Booking.objects.filter(
                space=OuterRef("pk"), status__in=Booking.CONFIRMED_STATES
            ).overlapping(*held_over)
            spaces = spaces.annotate(confirmed_held=Exists(confirmed))
        return spaces.order_by()

    fields: list[Field[Any, Any]] = [Space._meta.get_field("uuid")]
    if held:
        # `overlapping(starts, ends)` compares the start with `ends_at` and the end with
        # `starts_at`: the fields that prepare each value.
        fields += [Booking._meta.get_field("ends_at"), Booking._meta.get_field("starts_at")]
    return _SPACE_BY_UUID.setdefault(key, Prepared(build, *fields))


def space_get(
    *,
    actor: Actor,
    uuid: object,
    related: tuple[str, ...] = SPACE_PAGE_RELATED,
    held_over: tuple[dt.datetime, dt.datetime] | None = None,
) -> Space:
    """One space by its UUID, or 404 if the actor may not see it.

    One lookup through the unique index on `uuid` (with `related`, what the caller shows;
    `("community",)` is all that the checks need), then the same rule as `_visible_q`
    applied in Python to the actor's memoised scopes (`perms.can_view_space`): the scope
    is never turned into SQL for one row, which used to cost more planning than running.
    """
    value = parse_uuid(uuid)
    if value is None or not perms.authenticated(actor):
        raise Http404
    if held_over is None:
        space = _space_by_uuid(related, False).first(value)
    else:
        # A booking's pre-check read with the space (`services.bookings.book_slot`).
        space = _space_by_uuid(related, True).first(value, *held_over)
    if space is not None and held_over is not None:
        space.held_over = (*held_over, space.confirmed_held)  # type: ignore[attr-defined]
    if space is None or not perms.can_view_space(actor, space):
        raise Http404
    return space


def space_list_managed(*, actor: Actor, community: Community | None = None) -> QuerySet[Space]:
    """Spaces in the actor's MANAGE_SPACES scope (say, the space a renewal became)."""
    spaces: QuerySet[Space] = Space.objects.filter(
        scope_q(scope_for(actor, Capability.MANAGE_SPACES))
    )
    if community is not None:
        spaces = spaces.filter(community=community)
    return spaces.select_related("community").order_by("community__name", "name")


def directory_compounds(*, actor: Actor) -> QuerySet[Compound]:
    """The compounds that hold a space the actor sees, for the directory's filter: one query."""
    visible = space_list_for(actor=actor).filter(compound__isnull=False)
    return (
        Compound.objects.filter(pk__in=visible.values("compound_id"))
        .only("uuid", "name")
        .order_by("name")
    )


def may_approve_somewhere(user: Actor) -> bool:
    """Whether the approval queue has anything for `user` to see, now or later."""
    if not scope_for(user, Capability.MANAGE_SPACES).empty:
        return True
    if not perms.authenticated(user):
        return False
    memo = user_memo(user)  # the menu and a home panel both ask, on one request
    if "_silin_may_approve" not in memo:
        memo["_silin_may_approve"] = Space.objects.filter(
            Q(manager=user) | Q(approvers=user)
        ).exists()
    answer: bool = memo["_silin_may_approve"]
    return answer


def space_has_other_approver(*, space: Space, actor: User) -> bool:
    """Whether someone besides `actor` may approve bookings of `space`: its manager, its
    named approvers, or anyone holding a role that runs spaces over its place (one query).
    A superuser, who runs the deployment rather than the community, counts only by such a
    role."""
    node = Q(street_id=space.community.street_id) | Q(community_id=space.community_id)
    if space.compound_id is not None:
        node |= Q(compound_id=space.compound_id)
    staff = RoleAssignment.objects.filter(
        node, role__in=CAPABILITY_ROLES[Capability.MANAGE_SPACES]
    ).values("user_id")
    deciders = Q(pk__in=staff) | Q(approved_spaces=space)
    if space.manager_id is not None:
        deciders |= Q(pk=space.manager_id)
    return Account.objects.filter(deciders, is_active=True).exclude(pk=actor.pk).exists()


# --- tokens: the token is the credential, so these reads take no actor -------------------


def space_by_door_token(*, token: str) -> Space:
    space = (
        Space.objects.filter(door_token=str(token or ""), active=True)
        .select_related("community", "compound")
        .first()
    )
    if not token or space is None:
        raise Http404
    return space


def space_by_feed_token(*, token: str) -> Space:
    space = Space.objects.filter(feed_token=str(token or "")).select_related("community").first()
    if not token or space is None:
        raise Http404
    return space


def user_by_feed_token(*, token: str) -> User:
    feed = PersonalFeed.objects.filter(token=str(token or "")).select_related("user").first()
    if not token or feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


# --- opening hours, as the pages show them -------------------------------------------------


def windows_on(*, spaces: Sequence[Space], day: dt.date) -> dict[int, Windows]:
    """Each space's opening windows of `day`, exceptions applied: two queries for a page.

    A date with exceptions replaces the weekday's hours; a `closed` one closes the day.
    """
    prefetch_related_objects(list(spaces), "opening_hours")
    exceptions: dict[int, list[OpeningException]] = {}
    for e in OpeningException.objects.filter(space__in=spaces, date=day):
        exceptions.setdefault(e.space_id, []).append(e)
    windows: dict[int, Windows] = {}
    for space in spaces:
        own = exceptions.get(space.pk)
        if own:
            closed = any(e.closed for e in own)
            windows[space.pk] = (
                []
                if closed
                else [
                    (e.opens, e.closes) for e in own if e.opens is not None and e.closes is not None
                ]
            )
        else:
            windows[space.pk] = [
                (h.opens, h.closes) for h in space.opening_hours.all() if h.weekday == day.weekday()
            ]
    return windows
