"""Spaces pages: directory filters, the week calendar, booking in two taps, my bookings,
approvals, booking on behalf, the day sheet, the door QR code and checking in.

Scope: 刘大爷 lives in 沱源 (三江社区); 金龙社区's worker and the outsider see nothing of
三江社区's spaces and get 404.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from silin.accounts.tests.factories import UserFactory
from silin.spaces import presenters
from silin.spaces.models import Booking, BookingSeries, OpeningException, Space, WaitlistEntry
from silin.spaces.selectors.spaces import windows_on
from silin.spaces.tests.factories import BookingFactory, SpaceFactory, open_every_day

_MOBILES = itertools.count(13700000001)


def book(**kwargs) -> Booking:
    """A booking straight in the table; by a neighbour unless a booker is given."""
    if "booker" not in kwargs:
        kwargs["booker"] = UserFactory(mobile=str(next(_MOBILES)))
    return cast(Booking, BookingFactory(**kwargs))


def local(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def room(world):
    """沱源's 邻里荟: open 8:00–21:00 every day, bookings confirmed at once."""
    space = SpaceFactory(
        name="邻里荟",
        kind=Space.Kind.LOUNGE,
        community=world.sanjiang,
        compound=world.tuoyuan,
        capacity=12,
        step_free=True,
        amenities=["chess", "tea"],
    )
    return open_every_day(space)


@pytest.fixture
def approval_room(world):
    space = SpaceFactory(
        name="议事厅",
        kind=Space.Kind.DELIBERATION,
        community=world.sanjiang,
        compound=world.tuoyuan,
        approval_required=True,
    )
    return open_every_day(space)


# What htmx sends from the space page's slot panel.
PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "slot-panel"}


def _slot_params(start: dt.datetime, end: dt.datetime) -> dict:
    return {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
    }


# -- directory -------------------------------------------------------------------------------


def test_liu_finds_the_lounge_of_his_compound(room, cast, login):
    response = login(cast.liu).get(reverse("spaces:space-list"))
    assert response.status_code == 200
    assert [c.space for c in response.context["cards"]] == [room]
    assert "邻里荟" in response.content.decode()


def test_an_outsider_sees_no_space(room, cast, login):
    response = login(cast.outsider).get(reverse("spaces:space-list"))
    assert response.context["cards"] == []


def test_the_kind_and_accessible_filters_narrow_the_directory(room, world, cast, login):
    SpaceFactory(name="舞蹈室", kind=Space.Kind.DANCE_ROOM, community=world.sanjiang)
    client = login(cast.worker)
    response = client.get(reverse("spaces:space-list"), {"kind": "dance_room"})
    assert [c.space.name for c in response.context["cards"]] == ["舞蹈室"]
    response = client.get(reverse("spaces:space-list"), {"accessible": "1"})
    assert [c.space.name for c in response.context["cards"]] == ["邻里荟"]


def test_free_at_a_chosen_time_leaves_out_a_taken_space(room, world, cast, login):
    other = open_every_day(SpaceFactory(name="阅读吧", community=world.sanjiang))
    book(space=room, starts_at=local(1, 10), ends_at=local(1, 12))
    params = {"date": local(1, 10).date().isoformat(), "time": "10:30", "duration": "60"}
    response = login(cast.worker).get(reverse("spaces:space-list"), params)
    assert [c.space for c in response.context["cards"]] == [other]


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "请同时填写日期和时间"), ("en", "both a date")]
)
def test_a_time_without_a_date_is_explained_in_the_users_language(
    language, text, room, cast, login
):
    client = login(cast.liu)
    client.cookies["silin_language"] = language
    response = client.get(reverse("spaces:space-list"), {"time": "10:00"})
    assert text in response.content.decode()


def test_htmx_filtering_returns_only_the_results(room, cast, login):
    response = login(cast.liu).get(
        reverse("spaces:space-list"),
        {"kind": "lounge"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="space-results",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "邻里荟" in html


@pytest.mark.parametrize("extra", [3, 20])
def test_the_directory_runs_a_fixed_number_of_queries(
    extra, world, cast, login, django_assert_num_queries
):
    for i in range(extra):
        open_every_day(SpaceFactory(name=f"空间{i}", community=world.sanjiang, compound=world.eton))
    client = login(cast.worker)
    url = reverse("spaces:space-list")
    client.get(url)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["cards"]) == extra


# -- the space page and its calendar ---------------------------------------------------------


def test_the_space_page_shows_policy_hours_and_a_week_of_slots(room, cast, login):
    following = timezone.localdate() + dt.timedelta(days=7)
    url = reverse("spaces:space-detail", args=[room.uuid])
    response = login(cast.liu).get(url, {"week": following.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "预约须知" in html and "08:00–21:00" in html
    days = response.context["days"]
    assert len(days) == 7
    assert sum(len(d.slots) for d in days) == 7 * 13


@pytest.mark.parametrize("who", ["other_worker", "outsider"])
def test_a_space_outside_ones_area_answers_404(who, room, cast, login):
    client = login(getattr(cast, who))
    assert client.get(reverse("spaces:space-detail", args=[room.uuid])).status_code == 404
    url = reverse("spaces:space-calendar", args=[room.uuid])
    assert client.get(url).status_code == 404


def test_next_week_swaps_only_the_calendar(room, cast, login):
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    following = monday + dt.timedelta(days=7)
    response = login(cast.liu).get(
        reverse("spaces:space-calendar", args=[room.uuid]),
        {"week": following.isoformat()},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="week-calendar",
    )
    html = response.content.decode()
    assert "<html" not in html and "预约须知" not in html
    assert response.context["monday"] == following


def test_a_booked_hour_shows_as_taken_and_ones_own_as_yours(room, cast, login):
    book(space=room, starts_at=local(1, 9), ends_at=local(1, 10))
    book(space=room, booker=cast.liu, starts_at=local(1, 10), ends_at=local(1, 11))
    monday = local(1, 0).date() - dt.timedelta(days=local(1, 0).weekday())
    response = login(cast.liu).get(
        reverse("spaces:space-calendar", args=[room.uuid]), {"week": monday.isoformat()}
    )
    day = next(d for d in response.context["days"] if d.date == local(1, 0).date())
    states = {s.starts_at.hour: s.state for s in day.slots}
    assert states[9] == "taken" and states[10] == "mine" and states[11] == "free"


@pytest.mark.parametrize("bookings", [2, 12])
def test_the_calendar_partial_runs_a_fixed_number_of_queries(
    bookings, room, cast, login, django_assert_num_queries
):
    start = local(1, 8)
    for i in range(bookings):
        book(
            space=room,
            starts_at=start + dt.timedelta(hours=i),
            ends_at=start + dt.timedelta(hours=i + 1),
        )
    client = login(cast.liu)
    url = reverse("spaces:space-calendar", args=[room.uuid])
    params = {"week": local(1, 0).date().isoformat()}
    client.get(url, params)
    with django_assert_num_queries(6):
        client.get(url, params)


# -- booking from the calendar ---------------------------------------------------------------


def test_tapping_a_free_slot_opens_a_prefilled_confirm_form(room, cast, login):
    book(space=room, booker=cast.liu, purpose="下象棋", starts_at=local(-3, 9))
    params = _slot_params(local(2, 9), local(2, 10))
    response = login(cast.liu).get(
        reverse("spaces:booking-create", args=[room.uuid]), params, **PANEL
    )
    html = response.content.decode()
    assert "<html" not in html
    assert response.context["form"].initial["purpose"] == "下象棋"
    assert response.context["form"].initial["attendees"] == 2  # the factory's default
    assert response.context["slot"] == (local(2, 9), local(2, 10))


def test_confirming_books_the_slot_and_refreshes_the_calendar(room, cast, login):
    data = {**_slot_params(local(2, 9), local(2, 10)), "purpose": "下象棋", "attendees": "2"}
    response = login(cast.liu).post(
        reverse("spaces:booking-create", args=[room.uuid]), data, **PANEL
    )
    assert response.status_code == 200
    booking = Booking.objects.get()
    assert (booking.booker, booking.status) == (cast.liu, Booking.Status.APPROVED)
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html and "我的预约" in html


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "结束时间必须晚于开始时间"), ("en", "end must be after")]
)
def test_an_end_before_the_start_is_refused_next_to_the_field(language, text, room, cast, login):
    client = login(cast.liu)
    client.cookies["silin_language"] = language
    data = {**_slot_params(local(2, 10), local(2, 9)), "purpose": "x", "attendees": "1"}
    response = client.post(reverse("spaces:booking-create", args=[room.uuid]), data)
    assert response.status_code == 400
    assert "ends_at" in response.context["form"].errors
    assert text in response.content.decode()
    assert not Booking.objects.exists()


def test_the_services_refusal_is_shown_next_to_the_field(room, cast, login):
    data = {**_slot_params(local(2, 9), local(2, 10)), "purpose": "聚会", "attendees": "99"}
    response = login(cast.liu).post(reverse("spaces:booking-create", args=[room.uuid]), data)
    assert response.status_code == 400
    assert "attendees" in response.context["form"].errors
    assert not Booking.objects.exists()


def test_a_refused_form_comes_back_to_htmx_as_a_swappable_partial(room, cast, login):
    data = {**_slot_params(local(2, 9), local(2, 10)), "purpose": "聚会", "attendees": "99"}
    response = login(cast.liu).post(
        reverse("spaces:booking-create", args=[room.uuid]), data, **PANEL
    )
    assert response.status_code == 200  # htmx swaps 2xx answers only
    html = response.content.decode()
    assert "<html" not in html and 'id="attendees-errors"' in html
    assert not Booking.objects.exists()


def test_a_slot_taken_a_moment_ago_says_so_and_offers_the_waiting_list(room, cast, login):
    book(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    data = {**_slot_params(local(2, 9), local(2, 10)), "purpose": "下棋", "attendees": "2"}
    response = login(cast.liu).post(reverse("spaces:booking-create", args=[room.uuid]), data)
    assert response.status_code == 400
    assert response.context["refusal"].code == "taken" and response.context["just_taken"]
    html = response.content.decode()
    assert "别人刚刚约走了这个时间" in html and "标出的内容" not in html
    assert reverse("spaces:waitlist-join", args=[room.uuid]) in html
    assert Booking.objects.count() == 1


def test_a_resident_outside_the_reach_cannot_open_the_booking_form(room, cast, login):
    url = reverse("spaces:booking-create", args=[room.uuid])
    assert login(cast.other_worker).get(url).status_code == 404


def test_joining_the_waiting_list_on_a_taken_slot(room, cast, login):
    book(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    data = {**_slot_params(local(2, 9), local(2, 10)), "purpose": "下棋", "attendees": "2"}
    response = login(cast.liu).post(reverse("spaces:waitlist-join", args=[room.uuid]), data)
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.user, entry.state) == (cast.liu, WaitlistEntry.State.WAITING)


# -- repeating bookings ----------------------------------------------------------------------


def _series_data(**overrides) -> dict:
    first = timezone.localdate() + dt.timedelta(days=1)
    data = {
        "pattern": "weekly",
        "days": [["MO", "TU", "WE", "TH", "FR", "SA", "SU"][first.weekday()]],
        "monthly_day": "SA",
        "first_date": first.isoformat(),
        "until": (first + dt.timedelta(days=20)).isoformat(),
        "start_time": "09:00",
        "duration": "60",
        "purpose": "下象棋",
        "attendees": "2",
        "skip_clashes": "on",
    }
    data.update(overrides)
    return data


def test_a_weekly_series_books_each_date_and_reports_the_skipped_one(room, cast, login):
    book(space=room, starts_at=local(8, 9), ends_at=local(8, 10))
    response = login(cast.liu).post(
        reverse("spaces:series-create", args=[room.uuid]), _series_data()
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result.bookings) == 2
    assert [s.starts_at for s in result.skipped] == [local(8, 9)]
    assert "跳过的日期" in response.content.decode()
    assert BookingSeries.objects.get().rrule.startswith("FREQ=WEEKLY;BYDAY=")


def test_a_weekly_series_without_days_is_refused_next_to_the_field(room, cast, login):
    response = login(cast.liu).post(
        reverse("spaces:series-create", args=[room.uuid]), _series_data(days=[])
    )
    assert response.status_code == 400
    assert "days" in response.context["form"].errors
    assert not BookingSeries.objects.exists()


def test_the_series_form_builds_the_rfc5545_rules():
    from silin.spaces.forms import SeriesForm

    base = _series_data()
    form = SeriesForm({**base, "pattern": "weekdays"})
    assert form.is_valid(), form.errors
    assert form.rrule().startswith("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=")
    form = SeriesForm({**base, "pattern": "monthly_first", "monthly_day": "SA"})
    assert form.is_valid()
    assert form.rrule().startswith("FREQ=MONTHLY;BYDAY=1SA;UNTIL=")
    assert form.rrule().endswith("T155959Z")  # 23:59:59 in Shanghai


# -- my bookings -----------------------------------------------------------------------------


def test_my_bookings_lists_upcoming_and_past_with_the_feed_link(room, cast, login):
    book(space=room, booker=cast.liu, starts_at=local(1, 9), ends_at=local(1, 10))
    book(space=room, booker=cast.liu, starts_at=local(-2, 9), ends_at=local(-2, 10))
    response = login(cast.liu).get(reverse("spaces:booking-mine"))
    assert len(response.context["upcoming"]) == 1
    assert len(response.context["past"]) == 1
    assert "/spaces/feeds/me/" in response.context["feed_url"]


def test_my_bookings_shows_two_weeks_grouped_by_day_and_the_rest_on_request(room, cast, login):
    for days, hour in ((1, 9), (1, 14), (3, 9), (20, 9)):
        book(space=room, booker=cast.liu, starts_at=local(days, hour))
    client = login(cast.liu)
    response = client.get(reverse("spaces:booking-mine"))
    assert [len(items) for _day, items in response.context["upcoming_days"]] == [2, 1]
    assert response.context["hidden"] == 1
    response = client.get(reverse("spaces:booking-mine"), {"all": "1"})
    assert response.context["hidden"] == 0
    assert len(response.context["upcoming_days"]) == 3


def test_cancelling_my_booking(room, cast, login):
    booking = book(space=room, booker=cast.liu, starts_at=local(1, 9))
    response = login(cast.liu).post(reverse("spaces:booking-cancel", args=[booking.uuid]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_someone_elses_booking_cannot_be_cancelled_by_a_resident(room, world, cast, login):
    booking = book(space=room, starts_at=local(1, 9))
    response = login(cast.liu).post(reverse("spaces:booking-cancel", args=[booking.uuid]))
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED


def test_claiming_a_waitlist_offer(room, cast, login):
    entry = WaitlistEntry.objects.create(
        space=room,
        user=cast.liu,
        starts_at=local(1, 9),
        ends_at=local(1, 10),
        purpose="下棋",
        attendees=2,
        state=WaitlistEntry.State.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + dt.timedelta(hours=2),
    )
    client = login(cast.liu)
    assert "我要这个时段" in client.get(reverse("spaces:booking-mine")).content.decode()
    response = client.post(reverse("spaces:waitlist-claim", args=[entry.uuid]))
    assert response.status_code == 302
    assert Booking.objects.get().booker == cast.liu


def test_rotating_the_feed_link_ends_the_old_one(room, cast, login):
    client = login(cast.liu)
    old = client.get(reverse("spaces:booking-mine")).context["feed_url"]
    client.post(reverse("spaces:feed-rotate"))
    new = client.get(reverse("spaces:booking-mine")).context["feed_url"]
    assert old != new
    assert client.get(old.split("testserver", 1)[1]).status_code == 404
    assert client.get(new.split("testserver", 1)[1]).status_code == 200


# -- approvals -------------------------------------------------------------------------------


def test_the_worker_sees_requests_with_their_overlaps_and_approves_one(
    approval_room, world, cast, login
):
    first = book(
        space=approval_room,
        booker=cast.liu,
        status=Booking.Status.REQUESTED,
        starts_at=local(2, 9),
        ends_at=local(2, 11),
    )
    second = book(
        space=approval_room,
        status=Booking.Status.REQUESTED,
        starts_at=local(2, 10),
        ends_at=local(2, 12),
    )
    client = login(cast.worker)
    response = client.get(reverse("spaces:approval-queue"))
    assert response.context["overlaps"][first.pk] == [second]
    assert "时间重叠" in response.content.decode()
    client.post(reverse("spaces:booking-approve", args=[first.uuid]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Booking.Status.APPROVED
    assert second.status == Booking.Status.REJECTED


def test_declining_without_a_reason_is_refused_next_to_the_field(approval_room, cast, login):
    booking = book(space=approval_room, status=Booking.Status.REQUESTED)
    response = login(cast.worker).post(
        reverse("spaces:booking-reject", args=[booking.uuid]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "reason" in response.context["reject_form"].errors
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED


def test_the_approval_queue_is_not_for_residents_or_outsiders(cast, login):
    assert login(cast.liu).get(reverse("spaces:approval-queue")).status_code == 404
    assert login(cast.outsider).get(reverse("spaces:approval-queue")).status_code == 404


def test_another_communitys_worker_cannot_approve(approval_room, cast, login):
    booking = book(space=approval_room, status=Booking.Status.REQUESTED)
    response = login(cast.other_worker).post(reverse("spaces:booking-approve", args=[booking.uuid]))
    assert response.status_code == 404


# -- staff on behalf -------------------------------------------------------------------------


def test_the_resident_search_finds_people_in_the_workers_area_only(room, world, cast, login):
    UserFactory(name="王阿姨", mobile="13900000099", resident=world.other_resident)
    url = reverse("spaces:behalf-search", args=[room.uuid])
    client = login(cast.worker)
    assert "刘大爷" in client.get(url, {"q": "刘"}).content.decode()
    assert "王阿姨" not in client.get(url, {"q": "王"}).content.decode()


def test_a_worker_books_for_liu(room, world, cast, login):
    data = {
        **_slot_params(local(1, 9), local(1, 10)),
        "resident": str(world.liu.uuid),
        "purpose": "下象棋",
        "attendees": "2",
    }
    response = login(cast.worker).post(reverse("spaces:book-on-behalf", args=[room.uuid]), data)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.booker, booking.booked_by) == (cast.liu, cast.worker)


def test_liu_cannot_book_for_others(room, world, cast, login):
    # A permission one lacks answers 404, like a space one cannot see (DESIGN.md, §3).
    url = reverse("spaces:book-on-behalf", args=[room.uuid])
    assert login(cast.liu).get(url).status_code == 404


def test_the_day_sheet_masks_names_and_checks_in_on_behalf(room, cast, login, clock):
    now = clock.move_to(10)
    booking = book(
        space=room,
        booker=cast.liu,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=55),
    )
    client = login(cast.worker)
    url = reverse("spaces:day-sheet", args=[room.uuid, now.date().isoformat()])
    html = client.get(url).content.decode()
    assert "刘**" in html and "刘大爷" not in html.split("<main", 1)[1]
    client.post(reverse("spaces:booking-check-in", args=[booking.uuid]), {"next": url})
    booking.refresh_from_db()
    assert (booking.status, booking.checked_in_by) == (Booking.Status.CHECKED_IN, cast.worker)


def test_the_day_sheet_is_for_those_who_run_the_space(room, cast, login):
    url = reverse("spaces:day-sheet", args=[room.uuid, timezone.localdate().isoformat()])
    assert login(cast.liu).get(url).status_code == 404
    assert login(cast.other_worker).get(url).status_code == 404


def test_an_impossible_date_in_the_day_sheet_url_is_404(room, cast, login):
    response = login(cast.worker).get(f"/spaces/{room.uuid}/day/2026-02-30/")
    assert response.status_code == 404


# -- the door --------------------------------------------------------------------------------


def test_the_qr_page_encodes_the_tokened_check_in_url(room, cast, login):
    client = login(cast.worker)
    response = client.get(reverse("spaces:space-qr", args=[room.uuid]))
    assert response.context["url"].endswith(f"/spaces/check-in/{room.door_token}/")
    assert "<svg" in response.content.decode()
    png = client.get(reverse("spaces:space-qr-png", args=[room.uuid]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    printable = client.get(reverse("spaces:space-qr", args=[room.uuid]), {"print": "1"})
    assert "扫码签到" in printable.content.decode()


def test_a_new_door_code_ends_the_printed_one(room, cast, login):
    old = room.door_token
    client = login(cast.worker)
    url = reverse("spaces:space-rotate-token", args=[room.uuid])
    assert client.post(url, {"which": "door"}).status_code == 302
    room.refresh_from_db()
    assert room.door_token != old
    assert client.get(f"/spaces/check-in/{old}/").status_code == 404
    assert login(cast.liu).post(url, {"which": "feed"}).status_code == 404
    assert login(cast.worker).post(url, {"which": "other"}).status_code == 404


def test_a_resident_may_not_print_the_door_code(room, cast, login):
    assert login(cast.liu).get(reverse("spaces:space-qr", args=[room.uuid])).status_code == 404
    url = reverse("spaces:space-qr-png", args=[room.uuid])
    assert login(cast.liu).get(url).status_code == 404


def test_the_check_in_link_asks_a_visitor_to_log_in_first(room, client):
    url = reverse("spaces:check-in", args=[room.door_token])
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"] and "check-in" in response["Location"]


def test_liu_checks_in_through_the_door_link(room, cast, login, clock):
    now = clock.move_to(10)
    booking = book(
        space=room,
        booker=cast.liu,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=55),
    )
    client = login(cast.liu)
    url = reverse("spaces:check-in", args=[room.door_token])
    assert client.get(url).context["booking"] == booking
    response = client.post(url)
    assert response.status_code == 200 and response.context["done"]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


def _door_post(client, room, language):
    client.cookies["silin_language"] = language
    response = client.post(reverse("spaces:check-in", args=[room.door_token]))
    assert response.status_code == 400
    assert not Booking.objects.filter(status=Booking.Status.CHECKED_IN).exists()
    return " ".join(response.context["errors"])


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "现在在这里没有可以签到的预约"), ("en", "no booking here")]
)
def test_checking_in_without_any_booking_says_so(language, text, room, cast, login):
    assert text in _door_post(login(cast.liu), room, language)


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "可以签到"), ("en", "check-in opens")])
def test_checking_in_too_early_says_when_to_come_back(language, text, room, cast, login, clock):
    start = clock.move_to(10) + dt.timedelta(hours=3)
    book(space=room, booker=cast.liu, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    assert text in _door_post(login(cast.liu), room, language)


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "签到已截止"), ("en", "Too late")])
def test_checking_in_too_late_says_so(language, text, room, cast, login, clock):
    start = clock.move_to(10) - dt.timedelta(minutes=40)
    book(space=room, booker=cast.liu, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    assert text in _door_post(login(cast.liu), room, language)


def test_a_wrong_door_token_is_404(cast, login):
    assert login(cast.liu).get("/spaces/check-in/not-a-token/").status_code == 404


# -- languages and the figures panel ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", "预约须知"), ("zh-hant", "預約須知"), ("en", "How booking works here")],
)
def test_the_space_page_speaks_each_language(language, text, room, cast, login):
    client = login(cast.liu)
    client.cookies["silin_language"] = language
    html = client.get(reverse("spaces:space-detail", args=[room.uuid])).content.decode()
    assert text in html


def test_staff_get_the_lazily_loaded_figures_panel_and_residents_do_not(room, cast, login):
    figures = reverse("spaces:space-figures", args=[room.uuid])
    url = reverse("spaces:space-detail", args=[room.uuid])
    assert f'hx-get="{figures}"' in login(cast.worker).get(url).content.decode()
    assert figures not in login(cast.liu).get(url).content.decode()


def test_a_request_awaiting_approval_leaves_the_slot_open_to_other_requests(
    approval_room, cast, login
):
    book(
        space=approval_room,
        status=Booking.Status.REQUESTED,
        starts_at=local(1, 9),
        ends_at=local(1, 10),
    )
    response = login(cast.liu).get(
        reverse("spaces:space-calendar", args=[approval_room.uuid]),
        {"week": local(1, 0).date().isoformat()},
    )
    day = next(d for d in response.context["days"] if d.date == local(1, 0).date())
    slot = next(s for s in day.slots if s.starts_at.hour == 9)
    assert slot.state == "requested" and slot.bookable
    assert "已有人申请：您也可以申请" in response.content.decode()


def test_the_day_sheet_offers_check_in_only_around_the_booking(room, cast, login):
    book(space=room, booker=cast.liu, starts_at=local(1, 9), ends_at=local(1, 10))
    url = reverse("spaces:day-sheet", args=[room.uuid, local(1, 0).date().isoformat()])
    response = login(cast.worker).get(url)
    (row,) = response.context["rows"]
    assert not row.can_check_in
    assert "签到" not in response.content.decode().split("<tbody>", 1)[1].split("</tbody>")[0]


# -- what the pages say ----------------------------------------------------------------------


def test_a_closure_today_makes_the_card_say_closed_now(room, cast, login):
    noon = timezone.localtime().replace(hour=12, minute=0)
    (card,) = presenters.space_cards(
        [room], windows=windows_on(spaces=[room], day=noon.date()), now=noon
    )
    assert card.open_now and card.hours_today == "08:00–21:00"
    OpeningException.objects.create(
        space=room, date=noon.date(), closed=True, reason=OpeningException.Reason.HOLIDAY
    )
    (card,) = presenters.space_cards(
        [room], windows=windows_on(spaces=[room], day=noon.date()), now=noon
    )
    assert not card.open_now and card.hours_today == ""


def test_the_policy_is_said_in_plain_words(room):
    room.approval_required = True
    room.weekly_quota_household_minutes = 180
    room.max_booking_minutes = 150
    with translation.override("en"):
        text = " ".join(presenters.policy_lines(room))
    assert "request until a manager approves it" in text
    assert "from 30 minutes to 2 hours 30 minutes at a time" in text
    assert "up to 3 hours a week" in text


@pytest.mark.parametrize("extra", [2, 12])
def test_my_bookings_runs_a_fixed_number_of_queries(
    extra, room, approval_room, cast, login, django_assert_num_queries
):
    for i in range(extra):
        space = room if i % 2 else approval_room
        book(space=space, booker=cast.liu, starts_at=local(1 + i, 9), ends_at=local(1 + i, 10))
        book(space=space, booker=cast.liu, starts_at=local(-1 - i, 9), ends_at=local(-1 - i, 10))
    client = login(cast.liu)
    url = reverse("spaces:booking-mine")
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["upcoming"]) == extra


@pytest.mark.parametrize("extra", [2, 12])
def test_the_approval_queue_runs_a_fixed_number_of_queries(
    extra, approval_room, world, cast, login, django_assert_num_queries
):
    for i in range(extra):
        book(
            space=approval_room,
            status=Booking.Status.REQUESTED,
            starts_at=local(1 + i, 9),
            ends_at=local(1 + i, 10),
        )
    client = login(cast.worker)
    url = reverse("spaces:approval-queue")
    client.get(url)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.context["bookings"]) == extra


@pytest.fixture(autouse=True)
def _midday(clock):
    """Every test here runs at noon of the suite's day (SILIN_TEST_NOW moves the day), so
    none depends on the hour the suite happens to run at."""
    clock.move_to(12)
