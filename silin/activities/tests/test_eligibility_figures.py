"""Eligibility by register tags (told with the rule, in the user's language) and the
figures per event, catalogue item and organiser (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from silin.accounts.tests.factories import UserFactory, assign
from silin.activities import figures, selectors
from silin.activities.models import CatalogueItem, SignUp
from silin.activities.services import catalogue, feedback, signups
from silin.activities.services.common import ActivityError
from silin.activities.tests.factories import make_event, make_item
from silin.core.roles import Role
from silin.people.models import Tag
from silin.people.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


@pytest.fixture
def alone():
    return Tag.objects.get(code="living_alone")


def test_an_event_for_tagged_residents_refuses_others_saying_which_rule(cast, world, alone):
    event = make_event(world, cast.worker, required_tags=[alone])
    with translation.override("en"), pytest.raises(ActivityError) as exc:
        signups.signup_create(actor=cast.liu, event=event)
    assert "registered as: Living alone" in exc.value.messages[0]
    with translation.override("zh-hans"), pytest.raises(ActivityError) as exc:
        signups.signup_create(actor=cast.liu, event=event)
    assert "独居" in exc.value.messages[0]
    assert not SignUp.objects.exists()
    world.liu.tags.add(alone)
    assert signups.signup_create(actor=cast.liu, event=event).state == SignUp.State.CONFIRMED


def test_any_one_of_the_required_tags_is_enough(cast, world, alone):
    old = Tag.objects.get(code="elderly_80")
    event = make_event(world, cast.worker, required_tags=[alone, old])
    world.liu.tags.add(old)
    assert signups.signup_create(actor=cast.liu, event=event)


def test_the_event_page_says_who_may_sign_up(cast, world, alone, client):
    event = make_event(
        world, cast.worker, required_tags=[alone], min_age=60, compounds=[world.tuoyuan]
    )
    with translation.override("en"):
        lines = selectors.who_may_sign_up(event)
    assert lines == [
        "Aged 60 and over.",
        "Residents of: 沱源.",
        "Residents registered as: Living alone.",
    ]
    client.force_login(cast.liu)
    page = client.get(reverse("activities:event-detail", args=[event.uuid])).content.decode()
    assert "独居" in page and "60" in page
    assert "registered as" not in page  # zh-hans by default
    open_event = make_event(world, cast.worker)
    page = client.get(reverse("activities:event-detail", args=[open_event.uuid])).content.decode()
    assert 'id="who-may"' in page


def _resident_user(world, n):
    resident = ResidentFactory(name=f"邻居{n}", household=world.liu_household)
    user = UserFactory(name=f"邻居{n}", mobile=f"1370000{n:04d}", resident=resident)
    assign(user, Role.RESIDENT, world.tuoyuan)
    return user


def _soon(minutes: int) -> dict[str, dt.datetime]:
    start = timezone.now() + dt.timedelta(minutes=minutes)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=1)}


@pytest.fixture
def history(cast, world):
    """Two events of one item (the second a community copy's) and one of another item:
    刘大爷 comes to both of the item's, a neighbour to one, another does not come."""
    item = make_item(world)
    copy = catalogue.item_adopt(actor=cast.worker, item=item, community=world.sanjiang)
    other = make_item(world, title="广场舞")
    people = [cast.liu, _resident_user(world, 1), _resident_user(world, 2)]
    first = make_event(world, cast.worker, item=item, capacity=10, **_soon(30))
    second = make_event(world, cast.worker, item=copy, capacity=10, **_soon(60))
    third = make_event(world, cast.street_admin, item=other, capacity=10, **_soon(90))
    came = {first: [True, True, False], second: [True, None, None], third: [True, None, None]}
    for event, marks in came.items():
        for person, mark in zip(people, marks, strict=True):
            if mark is None:
                continue
            s = signups.signup_create(actor=person, event=event)
            s = signups.signup_mark(actor=cast.worker, signup=s, attended=mark)
            if mark:
                feedback.feedback_give(actor=person, signup=s, rating=5 if event == first else 3)
    return item, first, second, third


def test_event_figures(history, django_assert_num_queries):
    _item, first, _second, _third = history
    with django_assert_num_queries(3):
        f = figures.event_figures(first)
    assert (f.held, f.attended, f.attendance_percent) == (3, 2, 67)
    assert (f.reached, f.repeat, f.rating, f.ratings) == (2, 0, 5.0, 2)


def test_item_figures_count_the_adopted_copies_and_repeat_participants(
    history, django_assert_num_queries
):
    item, *_ = history
    with django_assert_num_queries(3):
        f = figures.item_figures(item)
    assert (f.events, f.held, f.attended) == (2, 4, 3)
    assert (f.reached, f.repeat) == (2, 1)  # 刘大爷 came to both
    assert (f.rating, f.ratings) == (4.3, 3)


def test_organiser_figures_in_three_queries_whatever_the_number_of_organisers(
    cast, history, django_assert_num_queries
):
    with django_assert_num_queries(3):
        rows = figures.organiser_figures(selectors.events_run_by(cast.street_admin))
    by_name = {r.name: r.figures for r in rows}
    assert set(by_name) == {"三江社工", "街道管理员"}
    worker = by_name["三江社工"]
    assert (worker.events, worker.reached, worker.repeat, worker.attendance_percent) == (
        2,
        2,
        1,
        75,
    )
    assert (by_name["街道管理员"].reached, by_name["街道管理员"].rating) == (1, 3.0)
    # A worker of another community sees none of these.
    assert figures.organiser_figures(selectors.events_run_by(cast.other_worker)) == []


def test_before_anyone_could_come_there_is_no_rate(cast, world):
    event = make_event(world, cast.worker)
    signups.signup_create(actor=cast.liu, event=event)
    f = figures.event_figures(event)
    assert (f.held, f.attendance_rate, f.rating) == (0, None, None)
    assert CatalogueItem.objects.count() == 1
