"""Spaces themselves (services.spaces, hours, feeds): create and update, hours, tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from silin.core.models import AuditEntry
from silin.spaces.models import Space
from silin.spaces.services.common import SpaceError
from silin.spaces.services.feeds import personal_feed_rotate, personal_feed_token
from silin.spaces.services.hours import opening_hours_set
from silin.spaces.services.spaces import (
    SpaceData,
    space_create,
    space_rotate_tokens,
    space_update,
)
from silin.spaces.tests.helpers import errors_of

pytestmark = pytest.mark.usefixtures("english")

# --- spaces -------------------------------------------------------------------------------------


def _data(world, **kw):
    base = dict(name="阅读吧", kind=Space.Kind.READING_BAR, community=world.sanjiang, capacity=12)
    base.update(kw)
    return SpaceData(**base)


def test_a_worker_creates_a_space_in_their_community_and_it_is_audited(cast, world):
    space = space_create(actor=cast.worker, data=_data(world, amenities=["books", "tea"]))
    assert space.community == world.sanjiang and space.amenities == ["books", "tea"]
    assert AuditEntry.objects.filter(object_uuid=str(space.uuid), action="create").exists()


def test_a_space_outside_the_workers_community_is_refused(cast, world):
    with pytest.raises(SpaceError) as excinfo:
        space_create(actor=cast.worker, data=_data(world, community=world.jinlong))
    assert "outside the area" in errors_of(excinfo)["community"][0]
    assert not Space.objects.exists()


def test_bad_space_data_is_refused_field_by_field(cast, world):
    data = _data(
        world,
        name=" ",
        capacity=0,
        min_booking_minutes=60,
        max_booking_minutes=30,
        compound=world.jindu,
        amenities=["jacuzzi"],
    )
    with pytest.raises(SpaceError) as excinfo:
        space_create(actor=cast.worker, data=data)
    assert {"name", "capacity", "max_booking_minutes", "compound", "amenities"} <= set(
        errors_of(excinfo)
    )


def test_rotating_the_door_token_invalidates_the_old_code(cast, room):
    old = room.door_token
    space_rotate_tokens(actor=cast.worker, space=room, door=True)
    assert room.door_token != old
    with pytest.raises(PermissionDenied):
        space_rotate_tokens(actor=cast.liu, space=room, door=True)


# --- opening hours ------------------------------------------------------------------------------


def test_opening_hours_are_replaced_and_overlaps_refused(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        opening_hours_set(
            actor=cast.worker,
            space=room,
            windows=[(0, dt.time(8), dt.time(12)), (0, dt.time(11), dt.time(14))],
        )
    assert "overlap" in errors_of(excinfo)["opening_hours"][0]
    assert room.opening_hours.count() == 7
    opening_hours_set(actor=cast.worker, space=room, windows=[(0, dt.time(8), dt.time(12))])
    assert list(room.opening_hours.values_list("weekday", flat=True)) == [0]


# --- the personal feed --------------------------------------------------------------------------


def test_the_personal_feed_token_is_stable_until_rotated(cast):
    token = personal_feed_token(user=cast.liu)
    assert personal_feed_token(user=cast.liu) == token
    assert personal_feed_rotate(actor=cast.liu) != token


# --- back office --------------------------------------------------------------------------------


def test_the_back_office_saves_a_space_through_the_audited_service(world, admin_client):
    response = admin_client.post(
        "/admin/spaces/space/add/",
        {
            "name": "阅览室",
            "kind": "reading_bar",
            "community": world.sanjiang.pk,
            "capacity": 10,
            "amenities": "[]",
            "active": "on",
            "bookable_by_residents": "on",
            "book_ahead_days": 30,
            "min_booking_minutes": 30,
            "max_booking_minutes": 120,
            "check_in_grace_minutes": 15,
            "reach": "community",
            **{
                f"{prefix}-{k}": v
                for prefix in ("opening_hours", "exceptions", "blocked_periods")
                for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    space = Space.objects.get(name="阅览室")
    assert AuditEntry.objects.filter(object_uuid=str(space.uuid), action="create").exists()
    for path in ("/admin/spaces/space/", "/admin/spaces/booking/", "/admin/spaces/waitlistentry/"):
        assert admin_client.get(path).status_code == 200


def test_the_overlap_policy_is_part_of_the_booking_policy_and_audited(cast, world):
    """Issue 9, item 9: allowed (with a warning) unless a space says otherwise."""
    space = space_create(actor=cast.worker, data=_data(world))
    assert space.allow_overlapping_own_bookings is True
    space_update(
        actor=cast.worker, space=space, data=_data(world, allow_overlapping_own_bookings=False)
    )
    space.refresh_from_db()
    assert space.allow_overlapping_own_bookings is False
    entry = AuditEntry.objects.filter(object_uuid=str(space.uuid), action="update").get()
    assert entry.changes["allow_overlapping_own_bookings"] == [True, False]


def test_the_back_office_edits_the_overlap_policy(cast, world, client):
    space = space_create(actor=cast.worker, data=_data(world))
    admin = cast.street_admin
    admin.user_permissions.add(Permission.objects.get(codename="change_space"))
    client.force_login(admin)
    page = client.get(f"/admin/spaces/space/{space.pk}/change/")
    assert page.status_code == 200
    assert 'name="allow_overlapping_own_bookings"' in page.content.decode()
