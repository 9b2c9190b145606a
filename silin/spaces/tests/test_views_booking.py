"""The booking pages opened from their own address, the day kept after booking, booked
elsewhere at the same time, approving one's own request, and starting from a resident
(issue 9, items 1, 3, 6, 9, 13 and 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from silin.accounts.tests.factories import UserFactory
from silin.people.tests.factories import ResidentFactory
from silin.spaces.models import Booking, Space
from silin.spaces.tests.factories import (
    BlockedPeriodFactory,
    BookingFactory,
    SpaceFactory,
    local,
    open_every_day,
)

PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "slot-panel"}


def _slot(start: dt.datetime, end: dt.datetime | None = None) -> dict:
    end = end or start + dt.timedelta(hours=1)
    return {"starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{end:%Y-%m-%dT%H:%M}"}


def _book_url(space) -> str:
    return reverse("spaces:booking-create", args=[space.uuid])


@pytest.fixture
def lounge(world):
    return open_every_day(
        SpaceFactory(
            name="邻里荟", kind=Space.Kind.LOUNGE, community=world.sanjiang, compound=world.tuoyuan
        )
    )


# -- the booking page on its own (item 1) ----------------------------------------------------


def test_the_booking_page_on_its_own_is_a_plain_form_and_the_panel_one_uses_htmx(room, cast, login):
    client = login(cast.liu)
    alone = client.get(_book_url(room), _slot(local(2, 9))).content.decode()
    assert 'id="booking-form"' in alone and "hx-post" not in alone and "hx-target" not in alone
    assert f"/spaces/{room.uuid}/?day={local(2, 9):%Y-%m-%d}" in alone  # 先不约: back to the day
    panel = client.get(_book_url(room), _slot(local(2, 9)), **PANEL).content.decode()
    assert "<html" not in panel and 'hx-post="' in panel and 'hx-target="#slot-panel"' in panel


def test_booking_from_the_page_on_its_own_redirects_to_the_day_booked(room, cast, login):
    data = {**_slot(local(3, 9)), "purpose": "下象棋", "attendees": "2"}
    response = login(cast.liu).post(_book_url(room), data)
    assert response.status_code == 302
    assert response.url == f"/spaces/{room.uuid}/?day={local(3, 9):%Y-%m-%d}"
    assert Booking.objects.get().booker == cast.liu
    page = login(cast.liu).get(response.url)
    assert "预约成功" in page.content.decode()
    days = page.context["days"]
    assert days[page.context["picked_day"]].date == local(3, 9).date()  # item 3


def test_booking_in_the_panel_keeps_the_calendar_on_the_day_booked(room, cast, login):
    data = {**_slot(local(5, 9)), "purpose": "下象棋", "attendees": "2"}
    response = login(cast.liu).post(_book_url(room), data, **PANEL)
    assert response.status_code == 200
    assert response.context["days"][response.context["picked_day"]].date == local(5, 9).date()
    assert 'hx-swap-oob="true"' in response.content.decode()


@pytest.mark.parametrize(
    ("case", "heading"),
    [
        ("taken", "这个时间已经被约了"),
        ("past", "这个时间已经过去了"),
        ("closed", "这个时间空间不开放"),
        ("horizon", "这个时间太远，现在还不能预约"),
        ("blocked", "这个时间暂停预约"),
    ],
)
def test_the_booking_page_says_up_front_why_a_slot_cannot_be_booked(
    case, heading, room, cast, login, clock
):
    clock.move_to(10)
    BookingFactory(space=room, starts_at=local(1, 9), ends_at=local(1, 10))
    BlockedPeriodFactory(
        space=room, starts_at=local(1, 14), ends_at=local(1, 16), reason="消防检查"
    )
    start = {
        "taken": local(1, 9),
        "past": local(0, 8),
        "closed": local(1, 23),
        "horizon": local(room.book_ahead_days + 3, 9),
        "blocked": local(1, 14),
    }[case]
    response = login(cast.liu).get(_book_url(room), _slot(start))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["refusal"].code == case
    assert heading in html and 'id="booking-form"' not in html
    waitlist = reverse("spaces:waitlist-join", args=[room.uuid])
    assert (waitlist in html) == (case == "taken")  # the waiting list only when merely taken


def test_the_waiting_list_page_on_its_own_is_a_plain_form_too(room, cast, login):
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    url = reverse("spaces:waitlist-join", args=[room.uuid])
    html = login(cast.liu).get(url, _slot(local(2, 9))).content.decode()
    assert 'id="waitlist-form"' in html and "hx-post" not in html
    data = {**_slot(local(2, 9)), "purpose": "下棋", "attendees": "2"}
    response = login(cast.liu).post(url, data, **PANEL)
    assert response.status_code == 200 and "booking-done" in response.content.decode()


def test_the_booking_post_takes_a_fixed_number_of_queries(room, cast, login):
    """24 before issue 9; one more reads the person's own bookings elsewhere."""
    client = login(cast.liu)
    data = {**_slot(local(2, 9)), "purpose": "下象棋", "attendees": "2"}
    with CaptureQueriesContext(connection) as plain:
        assert client.post(_book_url(room), data).status_code == 302
    data = {**_slot(local(2, 11)), "purpose": "下象棋", "attendees": "2"}
    with CaptureQueriesContext(connection) as panel:
        assert client.post(_book_url(room), data, **PANEL).status_code == 200
    assert len(plain) <= 25
    assert len(panel) <= 27


# -- booked elsewhere at the same time (item 9) ----------------------------------------------


def test_booking_over_ones_booking_elsewhere_asks_to_book_anyway(room, lounge, cast, login):
    BookingFactory(space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 11))
    client = login(cast.liu)
    data = {**_slot(local(2, 10)), "purpose": "喝茶", "attendees": "2"}
    response = client.post(_book_url(lounge), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "同一时间已约了别处" in html and "棋牌室" in html and 'name="overlap_ok"' in html
    assert not Booking.objects.filter(space=lounge).exists()
    response = client.post(_book_url(lounge), {**data, "overlap_ok": "1"})
    assert response.status_code == 302
    assert Booking.objects.filter(space=lounge, booker=cast.liu).exists()


def test_where_the_space_refuses_overlaps_no_book_anyway_is_offered(room, lounge, cast, login):
    lounge.allow_overlapping_own_bookings = False
    lounge.save()
    BookingFactory(space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 11))
    data = {**_slot(local(2, 10)), "purpose": "喝茶", "attendees": "2", "overlap_ok": "1"}
    response = login(cast.liu).post(_book_url(lounge), data)
    html = response.content.decode()
    assert response.context["refusal"].code == "own_overlap"
    assert "这个空间不接受同一时间已约了别处的人预约" in html and 'name="overlap_ok"' not in html
    assert not Booking.objects.filter(space=lounge).exists()


def test_a_worker_booking_for_liu_is_warned_of_his_other_booking(room, lounge, cast, login):
    BookingFactory(space=room, booker=cast.liu, starts_at=local(2, 9), ends_at=local(2, 11))
    url = reverse("spaces:book-on-behalf", args=[lounge.uuid])
    data = {
        **_slot(local(2, 10)),
        "purpose": "喝茶",
        "attendees": "2",
        "resident": str(cast.liu.resident.uuid),
    }
    client = login(cast.worker)
    response = client.post(url, data)
    html = response.content.decode()
    assert "刘大爷在这个时间已经约了" in html and 'name="overlap_ok"' in html
    assert client.post(url, {**data, "overlap_ok": "1"}).status_code == 302
    assert Booking.objects.get(space=lounge).booked_by == cast.worker


# -- starting from a resident (item 16) ------------------------------------------------------


def _outsider_resident(world):
    """A resident of 金龙社区, outside the 三江 worker's register, with an account."""
    resident = ResidentFactory(name="王阿姨", household=world.other_household)
    UserFactory(resident=resident, name="王阿姨")
    return resident


def test_the_on_behalf_page_starts_from_a_resident_in_ones_area(room, cast, world, login):
    url = reverse("spaces:book-on-behalf", args=[room.uuid])
    client = login(cast.worker)
    html = client.get(url, {"resident": str(cast.liu.resident.uuid)}).content.decode()
    assert f'value="{cast.liu.resident.uuid}"' in html and "checked" in html and "刘大爷" in html
    assert client.get(url, {"resident": str(_outsider_resident(world).uuid)}).status_code == 404
    assert client.get(url, {"resident": "not-a-uuid"}).status_code == 404


def test_the_directory_for_a_resident_links_each_space_to_booking_for_him(room, cast, world, login):
    client = login(cast.worker)
    response = client.get(reverse("spaces:space-list"), {"for": str(cast.liu.resident.uuid)})
    html = response.content.decode()
    assert "您正在为<strong>刘大爷</strong>预约" in html
    behalf = reverse("spaces:book-on-behalf", args=[room.uuid])
    assert f"{behalf}?resident={cast.liu.resident.uuid}" in html
    assert f'name="for" value="{cast.liu.resident.uuid}"' in html  # the filters keep it
    assert "不再为刘大爷预约" in html
    outsider = _outsider_resident(world)
    assert client.get(reverse("spaces:space-list"), {"for": str(outsider.uuid)}).status_code == 404
    # A resident cannot book for anyone: 刘大爷 naming himself gets no such page either.
    mine = login(cast.liu).get(reverse("spaces:space-list"), {"for": str(cast.liu.resident.uuid)})
    assert mine.status_code == 404


# -- approving one's own request (item 6) ----------------------------------------------------


@pytest.fixture
def hall(world):
    return open_every_day(
        SpaceFactory(
            name="居民议事厅",
            kind=Space.Kind.DELIBERATION,
            community=world.sanjiang,
            capacity=80,
            approval_required=True,
        )
    )


def test_the_queue_says_a_request_is_ones_own_and_offers_no_approve_button(hall, cast, login):
    own = BookingFactory(space=hall, booker=cast.worker, status="requested", attendees=59)
    response = login(cast.worker).get(reverse("spaces:approval-queue"))
    html = response.content.decode()
    assert "这是您自己的申请，需要由这里的其他审批人来决定" in html
    assert reverse("spaces:booking-approve", args=[own.uuid]) not in html
    assert reverse("spaces:booking-reject", args=[own.uuid]) in html
    # The reason belongs to declining only: it sits inside the decline part.
    assert html.index('<details class="decline') < html.index(f'id="reason-{own.uuid}"')


def test_approving_ones_own_request_is_refused_with_a_clear_message(hall, cast, login):
    own = BookingFactory(space=hall, booker=cast.worker, status="requested")
    response = login(cast.worker).post(
        reverse("spaces:booking-approve", args=[own.uuid]), follow=True
    )
    assert "需要由这里的其他审批人来决定" in response.content.decode()
    own.refresh_from_db()
    assert own.status == Booking.Status.REQUESTED


def test_the_approval_message_says_what_happened(hall, cast, login):
    alone = BookingFactory(space=hall, booker=cast.liu, status="requested", starts_at=local(3, 9))
    response = login(cast.worker).post(
        reverse("spaces:booking-approve", args=[alone.uuid]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["已批准，会通知刘大爷。"]
    first = BookingFactory(space=hall, booker=cast.liu, status="requested", starts_at=local(4, 9))
    BookingFactory(space=hall, status="requested", starts_at=local(4, 9, 30))
    response = login(cast.worker).post(
        reverse("spaces:booking-approve", args=[first.uuid]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "已批准，会通知刘大爷。另有 1 个时间重叠的申请已婉拒，并告诉了申请人原因。"
    ]
