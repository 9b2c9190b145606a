"""Calendar feeds: a person's activities join their personal feed (core's calendar feed
sources), and each organiser has a feed of its activities behind a rotatable token."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from silin.activities.models import OrganiserFeed
from silin.activities.services import events, feeds, signups
from silin.activities.tests.factories import make_event, make_item
from silin.core import calendar_feeds
from silin.core.models import AuditEntry
from silin.spaces.services.feeds import personal_feed_token
from silin.spaces.tests.factories import BookingFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


def _calendar(client, url: str) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_both_apps_register_a_source_spaces_first():
    assert calendar_feeds.sources() == ["spaces.bookings", "activities.signups"]


def test_the_personal_feed_joins_bookings_and_the_activities_with_a_place(cast, world, client):
    item = make_item(world)
    chess = make_event(world, cast.worker, item=item, title="象棋, 友谊赛; 第一轮")
    later = make_event(world, cast.worker, item=item, title="书法", day=5)
    dropped = make_event(world, cast.worker, item=item, title="跳绳", day=6)
    called_off = make_event(world, cast.worker, item=item, title="坝坝宴", day=7)
    signups.signup_create(actor=cast.liu, event=chess)
    signups.signup_create(actor=cast.liu, event=later)
    signups.signup_cancel(
        actor=cast.liu, signup=signups.signup_create(actor=cast.liu, event=dropped)
    )
    signups.signup_create(actor=cast.liu, event=called_off)
    events.event_cancel(actor=cast.worker, event=called_off, reason="下雨")
    room = SpaceFactory(name="棋牌室", community=world.sanjiang)
    booking = BookingFactory(space=room, booker=cast.liu)
    url = reverse("spaces:my-feed", args=[personal_feed_token(user=cast.liu)])
    calendar = _calendar(client, url)
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(found) == {
        f"booking-{booking.uuid}@silin",
        f"activity-signup-{chess.uuid}@silin",
        f"activity-signup-{later.uuid}@silin",
    }
    entry = found[f"activity-signup-{chess.uuid}@silin"]
    assert str(entry["SUMMARY"]) == "象棋, 友谊赛; 第一轮"
    assert entry.decoded("DTSTART") == chess.starts_at
    assert entry.decoded("DTSTART").utcoffset() == dt.timedelta(hours=8)
    assert entry.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert "沱源小区中庭" in str(entry["LOCATION"])
    assert str(entry["URL"]).endswith(reverse("activities:event-detail", args=[chess.uuid]))
    assert calendar.walk("VTIMEZONE")
    # RFC 5545 escaping of text values: commas and semicolons are escaped on the wire.
    assert "象棋\\, 友谊赛\\; 第一轮" in client.get(url).content.decode()
    # Read again: the same UIDs, so a calendar app updates rather than adds.
    again = {str(e["UID"]) for e in _calendar(client, url).walk("VEVENT")}
    assert again == set(found)


def test_the_old_personal_feed_address_keeps_working_for_bookings_only_people(cast, world, client):
    room = SpaceFactory(name="棋牌室", community=world.sanjiang)
    booking = BookingFactory(space=room, booker=cast.volunteer)
    url = reverse("spaces:my-feed", args=[personal_feed_token(user=cast.volunteer)])
    assert url.startswith("/spaces/feeds/me/")
    uids = [str(e["UID"]) for e in _calendar(client, url).walk("VEVENT")]
    assert uids == [f"booking-{booking.uuid}@silin"]


def test_the_organiser_feed_lists_its_published_activities_and_marks_the_cancelled(
    cast, world, client
):
    item = make_item(world)
    shown = make_event(world, cast.worker, item=item)
    called_off = make_event(world, cast.worker, item=item, day=4)
    events.event_cancel(actor=cast.worker, event=called_off, reason="下雨")
    draft = make_event(world, cast.worker, item=item, publish=False)
    elsewhere = make_event(world, cast.other_worker, item=item, community=world.jinlong)
    committee = make_event(
        world, cast.worker, item=item, organiser_kind="committee", compound=world.tuoyuan
    )
    token = feeds.organiser_feed_token(actor=cast.worker, event=shown)
    calendar = _calendar(client, reverse("activities:organiser-feed", args=[token]))
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(found) == {f"activity-{shown.uuid}@silin", f"activity-{called_off.uuid}@silin"}
    assert str(found[f"activity-{called_off.uuid}@silin"]["STATUS"]) == "CANCELLED"
    assert str(calendar["X-WR-CALNAME"]) == "三江社区"
    assert {draft.uuid, elsewhere.uuid, committee.uuid}.isdisjoint(
        {e.uuid for e in [shown, called_off]}
    )
    # The committee has a feed of its own.
    other = feeds.organiser_feed_token(actor=cast.worker, event=committee)
    assert other != token
    uids = [
        str(e["UID"])
        for e in _calendar(client, f"/activities/feeds/organiser/{other}.ics").walk("VEVENT")
    ]
    assert uids == [f"activity-{committee.uuid}@silin"]


def test_rotating_the_organiser_feed_ends_the_old_address(cast, world, client):
    event = make_event(world, cast.worker)
    old = feeds.organiser_feed_token(actor=cast.worker, event=event)
    client.force_login(cast.worker)
    response = client.post(reverse("activities:organiser-feed-rotate", args=[event.uuid]))
    assert response.status_code == 302
    new = OrganiserFeed.objects.get().token
    assert new != old
    client.logout()
    assert client.get(reverse("activities:organiser-feed", args=[old])).status_code == 404
    assert client.get(reverse("activities:organiser-feed", args=[new])).status_code == 200
    assert AuditEntry.objects.filter(detail__startswith="organiser calendar feed").exists()


@pytest.mark.parametrize("who", ["other_worker", "grid_member", "liu", "outsider"])
def test_only_the_organisers_staff_read_or_rotate_the_organiser_feed_link(who, cast, world, client):
    event = make_event(world, cast.worker)
    client.force_login(getattr(cast, who))
    assert (
        client.post(reverse("activities:organiser-feed-rotate", args=[event.uuid])).status_code
        == 404
    )
    assert client.get(reverse("activities:console", args=[event.uuid])).status_code == 404
    assert not OrganiserFeed.objects.exists()
    with pytest.raises(PermissionDenied):
        feeds.organiser_feed_token(actor=getattr(cast, who), event=event)


def test_the_console_shows_the_organiser_feed_link(cast, world, client):
    event = make_event(world, cast.worker)
    client.force_login(cast.worker)
    page = client.get(reverse("activities:console", args=[event.uuid])).content.decode()
    token = OrganiserFeed.objects.get().token
    assert reverse("activities:organiser-feed", args=[token]) in page


def test_a_made_up_token_is_404(client, db):
    assert client.get("/activities/feeds/organiser/nope.ics").status_code == 404
