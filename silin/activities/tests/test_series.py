"""Repeating events by RFC 5545 rule: each date its own event with its own booking and
sign-ups; all or nothing when the space is taken on any date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from silin.activities.models import Event, EventSeries, SignUp
from silin.activities.services import events, series, signups
from silin.activities.services.common import ActivityError
from silin.activities.tests.factories import make_event, make_item
from silin.spaces.models import Booking
from silin.spaces.tests.factories import SpaceFactory, local, open_every_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


@pytest.fixture
def hall(world):
    return open_every_day(SpaceFactory(name="沱源共享空间", community=world.sanjiang, capacity=40))


def _data(world, space=None, **kw) -> events.EventData:
    values = {
        "community": world.sanjiang,
        "starts_at": local(3, 15),
        "ends_at": local(3, 17),
        "capacity": 12,
        "space": space,
        "place_text": "" if space else "沱源小区中庭",
    }
    values.update(kw)
    return events.EventData(**values)


def test_a_weekly_series_makes_one_event_and_one_booking_per_date(cast, world, hall):
    item = make_item(world)
    made = series.series_create(
        actor=cast.worker,
        item=item,
        data=_data(world, hall),
        rrule="FREQ=WEEKLY;COUNT=4",
        publish=True,
    )
    assert [e.starts_at for e in made] == [local(3 + 7 * n, 15) for n in range(4)]
    assert {e.state for e in made} == {Event.State.PUBLISHED}
    assert EventSeries.objects.get().rrule == "FREQ=WEEKLY;COUNT=4"
    assert {e.series_id for e in made} == {EventSeries.objects.get().pk}
    bookings = Booking.objects.filter(pk__in=[e.booking_id for e in made])
    assert bookings.count() == 4
    assert sorted(b.starts_at for b in bookings) == [e.starts_at for e in made]
    # Each date has its own sign-ups.
    signups.signup_create(actor=cast.liu, event=made[1])
    assert SignUp.objects.filter(event=made[1]).count() == 1
    assert not SignUp.objects.filter(event=made[0]).exists()


def test_a_taken_space_on_any_date_refuses_the_whole_series_listing_the_dates(cast, world, hall):
    item = make_item(world)
    taken = make_event(world, cast.worker, space=hall, place_text="", day=17)
    with translation.override("en"), pytest.raises(ActivityError) as exc:
        series.series_create(
            actor=cast.worker, item=item, data=_data(world, hall), rrule="FREQ=WEEKLY;COUNT=4"
        )
    lines = exc.value.message_dict["space"]
    assert lines[0] == "The space cannot be booked on these dates:"
    assert len(lines) == 2  # only the third date clashes
    assert timezone.localtime(taken.starts_at).strftime("%-d") in lines[1]
    # Nothing of the series was kept: no events, no bookings, no series.
    assert list(Event.objects.all()) == [taken]
    assert Booking.objects.count() == 1
    assert not EventSeries.objects.exists()


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY", "must end"),
        ("FREQ=WEEKLY;COUNT=53", "more than 52"),
        ("FREQ=HOURLY;COUNT=3", "not more often"),
        ("EVERY SATURDAY", "cannot be read"),
        ("FREQ=WEEKLY;COUNT=8", "30 days"),  # the space books 30 days ahead
    ],
)
def test_bad_rules_are_told_on_the_rule_field_with_nothing_saved(cast, world, hall, rule, words):
    with translation.override("en"), pytest.raises(ActivityError) as exc:
        series.series_create(
            actor=cast.worker, item=make_item(world), data=_data(world, hall), rrule=rule
        )
    assert words in " ".join(exc.value.message_dict["rrule"])
    assert not Event.objects.exists() and not Booking.objects.exists()
    assert not EventSeries.objects.exists()


def test_a_series_without_a_space_may_run_a_year_and_bad_input_is_told_once(cast, world):
    item = make_item(world)
    made = series.series_create(
        actor=cast.worker, item=item, data=_data(world), rrule="FREQ=MONTHLY;COUNT=12"
    )
    assert len(made) == 12
    with pytest.raises(ActivityError) as exc:
        series.series_create(
            actor=cast.worker,
            item=item,
            data=_data(world, capacity=0),
            rrule="FREQ=WEEKLY;COUNT=3",
        )
    assert exc.value.message_dict["capacity"]
    assert Event.objects.count() == 12


def test_sign_up_windows_move_with_each_date(cast, world):
    closes = local(3, 12)
    made = series.series_create(
        actor=cast.worker,
        item=make_item(world),
        data=_data(world, signup_closes_at=closes),
        rrule="FREQ=WEEKLY;COUNT=2",
    )
    assert [e.signup_closes_at for e in made] == [closes, closes + dt.timedelta(days=7)]


def test_outsiders_and_other_communities_may_not_create_a_series(cast, world):
    for who in (cast.other_worker, cast.liu, cast.outsider, cast.volunteer):
        with pytest.raises(PermissionDenied):
            series.series_create(
                actor=who, item=make_item(world), data=_data(world), rrule="FREQ=WEEKLY;COUNT=2"
            )
    assert not Event.objects.exists()
