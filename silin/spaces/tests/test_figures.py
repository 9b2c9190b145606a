"""Use figures: hours open, booked and used, no-shows and busiest hours, scoped and summed
in the database; the overview page and the lazily loaded panel of a space."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from silin.spaces import figures
from silin.spaces.models import Booking, OpeningException, OpeningHours, Space
from silin.spaces.periods import MONTH, WEEK, Period, period_from_params, period_of, trend_periods

# A past week with nothing special about it: Monday 2 November 2026.
MONDAY = dt.date(2026, 11, 2)
D = Decimal


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_space(community, compound=None, name="棋艺室", **extra) -> Space:
    space = Space.objects.create(
        name=name,
        kind=Space.Kind.ACTIVITY_CENTRE,
        community=community,
        compound=compound,
        capacity=12,
        **extra,
    )
    # Weekdays 9:00-12:00 and 14:00-18:00 (7 h), weekends 9:00-12:00 (3 h): 41 h a week.
    rows = []
    for weekday in range(7):
        rows.append(
            OpeningHours(space=space, weekday=weekday, opens=dt.time(9), closes=dt.time(12))
        )
        if weekday < 5:
            rows.append(
                OpeningHours(space=space, weekday=weekday, opens=dt.time(14), closes=dt.time(18))
            )
    OpeningHours.objects.bulk_create(rows)
    return space


def book(space, user, starts_at, minutes, status=Booking.Status.CHECKED_IN) -> Booking:
    return Booking.objects.create(
        space=space,
        community=space.community,
        compound=space.compound,
        booker=user,
        purpose="下象棋",
        attendees=2,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        status=status,
    )


@pytest.fixture
def spaces(world, cast):
    chess = make_space(world.sanjiang, world.tuoyuan, "邻里荟棋艺室")
    lounge = make_space(world.sanjiang, None, "党群服务中心休息厅")
    jindu = make_space(world.jinlong, world.jindu, "睦邻中心")
    S = Booking.Status
    liu = cast.liu
    book(chess, liu, at(MONDAY, 9), 120)  # used, 2 h
    book(chess, liu, at(MONDAY + dt.timedelta(days=1), 9), 120, S.NO_SHOW)  # booked, not used
    book(chess, liu, at(MONDAY + dt.timedelta(days=2), 9, 30), 90)  # used 1.5 h, 9:30-11:00
    book(chess, liu, at(MONDAY + dt.timedelta(days=3), 9), 60, S.APPROVED)  # booked only
    book(chess, liu, at(MONDAY + dt.timedelta(days=3), 14), 60, S.CANCELLED)  # not counted
    book(chess, liu, at(MONDAY + dt.timedelta(days=4), 14), 60, S.REQUESTED)  # not counted
    book(chess, liu, at(MONDAY + dt.timedelta(days=4), 15), 60, S.REJECTED)  # not counted
    book(lounge, liu, at(MONDAY, 14), 180)  # used 3 h
    book(jindu, liu, at(MONDAY, 9), 60)  # another community
    return SimpleNamespace(chess=chess, lounge=lounge, jindu=jindu)


# --- periods -------------------------------------------------------------------------------


def test_a_week_runs_monday_to_sunday_and_a_month_is_its_calendar_month():
    assert period_of(WEEK, dt.date(2026, 11, 5)) == Period(WEEK, MONDAY, dt.date(2026, 11, 9))
    month = period_of(MONTH, dt.date(2026, 2, 17))
    assert (month.start, month.end, month.days) == (dt.date(2026, 2, 1), dt.date(2026, 3, 1), 28)
    assert month.shifted(-2).start == dt.date(2025, 12, 1)
    assert month.shifted(11).start == dt.date(2027, 1, 1)


def test_bad_period_parameters_fall_back_to_this_month():
    today = dt.date(2026, 11, 20)
    assert period_from_params("year", "nonsense", today=today) == period_of(MONTH, today)
    assert period_from_params("week", "2026-11-04", today=today).start == MONDAY


def test_the_trend_ends_with_the_chosen_period():
    trend = trend_periods(period_of(WEEK, MONDAY))
    assert len(trend) == 8
    assert trend[-1].start == MONDAY
    assert trend[0].start == MONDAY - dt.timedelta(weeks=7)
    assert len(trend_periods(period_of(MONTH, MONDAY))) == 6


# --- hours open ----------------------------------------------------------------------------


def test_hours_open_follow_the_week_and_the_exceptions_replace_a_day(spaces):
    week = period_of(WEEK, MONDAY)
    table = figures.OpeningTable.load([spaces.chess.pk], week.start, week.end)
    assert table.open_minutes(spaces.chess.pk, week) == 41 * 60
    OpeningException.objects.create(
        space=spaces.chess, date=MONDAY, closed=True, reason=OpeningException.Reason.HOLIDAY
    )
    OpeningException.objects.create(
        space=spaces.chess,
        date=MONDAY + dt.timedelta(days=5),  # Saturday: 9-12 becomes 10-16
        closed=False,
        opens=dt.time(10),
        closes=dt.time(16),
        reason=OpeningException.Reason.SPECIAL,
    )
    table = figures.OpeningTable.load([spaces.chess.pk], week.start, week.end)
    assert table.open_minutes(spaces.chess.pk, week) == (41 - 7 - 3 + 6) * 60


# --- booked, used, no-shows ----------------------------------------------------------------


def test_booked_counts_bookings_that_held_the_slot_and_used_counts_check_ins(cast, spaces):
    week = period_of(WEEK, MONDAY)
    overview = figures.space_figures(actor=cast.worker, space=spaces.chess, period=week)
    f = overview.total
    assert (f.hours_open, f.hours_booked, f.hours_used) == (D("41.0"), D("6.5"), D("3.5"))
    assert (f.bookings, f.checked_in, f.no_shows) == (4, 2, 1)
    assert f.no_show_rate == D("33.3")  # 1 of the 3 whose fate is known
    assert f.booked_share == D("15.9")  # 6.5 of 41 hours
    assert f.used_share == D("8.5")


def test_the_street_overview_groups_by_compound_with_community_spaces_apart(cast, spaces):
    with translation.override("en"):
        overview = figures.street_overview(actor=cast.street_admin, period=period_of(WEEK, MONDAY))
    labels = [f.label for f in overview.by_compound]
    assert labels == ["三江社区 (community spaces)", "沱源", "金都华府"]
    assert [f.hours_used for f in overview.by_compound] == [D("3.0"), D("3.5"), D("1.0")]
    assert overview.total.spaces == 3
    assert overview.total.hours_open == D(41 * 3)
    assert overview.total.hours_used == D("7.5")


def test_a_worker_sees_the_figures_of_their_own_community_only(cast, spaces):
    overview = figures.street_overview(actor=cast.other_worker, period=period_of(WEEK, MONDAY))
    assert [s.name for s, _f in overview.by_space] == ["睦邻中心"]
    assert overview.total.hours_used == D("1.0")


def test_one_community_can_be_chosen(cast, spaces, world):
    overview = figures.street_overview(
        actor=cast.street_admin, period=period_of(WEEK, MONDAY), community=world.jinlong
    )
    assert [s.name for s, _f in overview.by_space] == ["睦邻中心"]
    assert overview.total.bookings == 1


def test_a_booking_late_on_sunday_counts_in_its_local_week(cast, spaces):
    sunday = MONDAY + dt.timedelta(days=6)
    book(spaces.chess, cast.liu, at(sunday, 23, 30), 30)  # 15:30 UTC: still Sunday locally
    week = figures.space_figures(
        actor=cast.worker, space=spaces.chess, period=period_of(WEEK, MONDAY)
    )
    assert week.total.hours_used == D("4.0")
    assert week.heat[6][23] == D("0.5")


def test_inactive_spaces_are_left_out(cast, spaces):
    Space.objects.filter(pk=spaces.lounge.pk).update(active=False)
    overview = figures.street_overview(actor=cast.worker, period=period_of(WEEK, MONDAY))
    assert [s.name for s, _f in overview.by_space] == ["邻里荟棋艺室"]


def test_busiest_hours_spread_each_booking_over_the_hours_it_covers(cast, spaces):
    overview = figures.space_figures(
        actor=cast.worker, space=spaces.chess, period=period_of(WEEK, MONDAY)
    )
    heat = overview.heat
    assert heat[0][9] == heat[0][10] == D("1.0")  # Monday 9-11, checked in
    assert heat[1][9] == D("1.0")  # Tuesday: a no-show still booked the slot
    assert (heat[2][9], heat[2][10]) == (D("0.5"), D("1.0"))  # Wednesday 9:30-11:00
    assert heat[3][9] == D("1.0") and heat[3][14] == D("0.0")  # the cancelled one is not
    assert heat[4][14] == heat[4][15] == D("0.0")  # requested and rejected are not
    assert sum(sum(day) for day in heat) == D("6.5")


def test_the_trend_sums_each_week_and_month(cast, spaces):
    later = MONDAY + dt.timedelta(weeks=1)
    book(spaces.chess, cast.liu, at(later, 9), 60)
    weekly = figures.space_figures(
        actor=cast.worker, space=spaces.chess, period=period_of(WEEK, later)
    )
    assert [f.hours_used for _p, f in weekly.trend[-2:]] == [D("3.5"), D("1.0")]
    assert weekly.trend[-1][1].hours_open == D("41.0")
    monthly = figures.space_figures(
        actor=cast.worker, space=spaces.chess, period=period_of(MONTH, MONDAY)
    )
    assert monthly.trend[-1][1].hours_used == D("4.5")
    assert monthly.trend[-1][1].hours_booked == D("7.5")
    assert [f.bookings for _p, f in monthly.trend[:-1]] == [0] * 5


# --- scope and permission ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_chess"),
    [
        ("street_admin", True),
        ("worker", True),
        ("grid_member", True),
        ("other_worker", False),
        ("liu", False),
        ("volunteer", False),
        ("outsider", False),
    ],
)
def test_who_may_read_the_figures_of_a_space(cast, spaces, who, sees_chess):
    user = getattr(cast, who)
    assert figures.can_view_figures(user, spaces.chess) is sees_chess
    if sees_chess:
        assert figures.figures_space_get(actor=user, uuid=spaces.chess.uuid) == spaces.chess
    else:
        with pytest.raises(Http404):
            figures.figures_space_get(actor=user, uuid=spaces.chess.uuid)


# --- pages ---------------------------------------------------------------------------------


def test_the_overview_page_shows_the_table_by_compound(login, cast, spaces):
    client = login(cast.worker)
    response = client.get(reverse("spaces:figures"), {"period": "week", "on": "2026-11-04"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "沱源" in html and "邻里荟棋艺室" in html
    assert "睦邻中心" not in html  # another community's space
    assert 'data-figures-chart="compounds"' in html
    assert 'id="figures-data"' in html
    assert response.context["overview"].total.hours_used == D("6.5")


def test_the_overview_answers_htmx_with_the_results_only(login, cast, spaces):
    client = login(cast.worker)
    response = client.get(
        reverse("spaces:figures"),
        {"period": "month", "on": "2026-11-04"},
        headers={"HX-Request": "true", "HX-Target": "figures-results"},
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "spaces/_figures_overview.html"
    assert b"<html" not in response.content


@pytest.mark.parametrize("who", ["liu", "volunteer", "outsider"])
def test_the_overview_is_not_found_for_people_without_figures(login, cast, spaces, who):
    assert login(getattr(cast, who)).get(reverse("spaces:figures")).status_code == 404


def test_the_overview_needs_a_login(client, spaces):
    response = client.get(reverse("spaces:figures"))
    assert response.status_code == 302


def test_the_overview_costs_the_same_queries_for_one_space_or_many(
    login, cast, spaces, world, django_assert_num_queries
):
    client = login(cast.street_admin)
    params = {"period": "week", "on": "2026-11-04"}
    client.get(reverse("spaces:figures"), params)  # session, scope caches warmed
    # session, user (with its role grants), communities filter, spaces, opening hours,
    # exceptions, per-space sums, trend sums, heat-map groups; the session's save (3).
    with django_assert_num_queries(9):
        client.get(reverse("spaces:figures"), params)
    for n in range(5):
        make_space(world.jinlong, world.jindu, f"议事厅{n}")
    with django_assert_num_queries(9):
        client.get(reverse("spaces:figures"), params)


def test_the_space_panel_is_a_partial_for_htmx_and_a_page_otherwise(login, cast, spaces):
    client = login(cast.worker)
    url = reverse("spaces:space-figures", args=[spaces.chess.uuid])
    partial = client.get(
        url, {"period": "week", "on": "2026-11-02"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b'id="space-figures"' in partial.content
    assert b"spaces/figures.js" in partial.content
    page = client.get(url)
    assert page.status_code == 200 and b"<html" in page.content
    assert reverse("spaces:space-detail", args=[spaces.chess.uuid]) in page.content.decode()
    assert f'href="{reverse("spaces:figures")}"' in page.content.decode()


@pytest.mark.parametrize("who", ["other_worker", "liu", "outsider"])
def test_the_space_panel_is_not_found_outside_the_figures_scope(login, cast, spaces, who):
    url = reverse("spaces:space-figures", args=[spaces.chess.uuid])
    assert login(getattr(cast, who)).get(url).status_code == 404


def test_the_space_panel_costs_the_same_queries_with_more_bookings(
    login, cast, spaces, django_assert_num_queries
):
    client = login(cast.worker)
    url = reverse("spaces:space-figures", args=[spaces.chess.uuid])
    params = {"period": "week", "on": "2026-11-04"}
    client.get(url, params, headers={"HX-Request": "true"})
    # session, user (with its role grants), the space, opening hours, exceptions, sums, trend,
    # heat map; the session's save (3).
    with django_assert_num_queries(8):
        client.get(url, params, headers={"HX-Request": "true"})
    for day in range(3):
        book(spaces.chess, cast.liu, at(MONDAY + dt.timedelta(days=day), 15), 60)
    with django_assert_num_queries(8):
        client.get(url, params, headers={"HX-Request": "true"})


def test_a_time_zone_with_daylight_saving_reads_the_same_local_hours(cast, spaces):
    """Across a change of offset the figures fall back to Django's time-zone functions."""
    with timezone.override("Europe/Berlin"):
        # Summer time ended on 25 October 2026: the month view's trend spans both offsets.
        summer = dt.date(2026, 10, 20)
        book(spaces.chess, cast.liu, at(summer, 9), 60)
        book(spaces.chess, cast.liu, at(summer + dt.timedelta(days=7), 9), 60)
        october = figures.space_figures(
            actor=cast.worker, space=spaces.chess, period=period_of(MONTH, summer)
        )
        assert october.heat[1][9] == D("2.0")  # two Tuesdays at 9:00 local, either offset
        assert october.total.hours_used == D("2.0")
        assert october.trend[-1][1].hours_used == D("2.0")


# --- a period under way (issue 9, item 11) ---------------------------------------------------


def test_a_period_under_way_counts_its_open_hours_and_bookings_up_to_now(cast, spaces):
    """Wednesday 10:00: Monday and Tuesday (7 h each) and Wednesday 9-10 are open so far."""
    now = at(MONDAY + dt.timedelta(days=2), 10)
    week = figures.space_figures(
        actor=cast.worker, space=spaces.chess, period=period_of(WEEK, MONDAY), now=now
    )
    f = week.total
    assert f.hours_open == D("15.0")
    # Thursday's booking has not begun: only Monday's, Tuesday's and Wednesday's 9:30 count.
    assert (f.hours_booked, f.hours_used, f.bookings) == (D("5.5"), D("3.5"), 3)
    assert f.booked_share == D("36.7")
    assert week.counted_until == now and not week.not_begun
    assert week.trend[-1][1].hours_open == D("15.0")


def test_a_month_under_way_does_not_divide_by_the_days_to_come(cast, spaces):
    """The 2nd of the month at 10:00: one full day and an hour, not the whole month."""
    now = at(MONDAY - dt.timedelta(days=1), 10)  # Sunday 1 November
    month = figures.street_overview(
        actor=cast.street_admin, period=period_of(MONTH, MONDAY), now=now
    )
    assert month.total.hours_open == D("3.0")  # Sunday 9-10 for each of the three spaces
    assert month.counted_until == now


def test_a_period_still_to_come_has_nothing_to_count_yet(cast, spaces):
    now = at(MONDAY - dt.timedelta(days=3), 10)
    week = figures.space_figures(
        actor=cast.worker, space=spaces.chess, period=period_of(WEEK, MONDAY), now=now
    )
    assert week.total.hours_open == 0 and week.total.booked_share is None
    assert week.not_begun


def test_a_period_that_is_over_counts_all_of_it(cast, spaces):
    week = figures.space_figures(
        actor=cast.worker,
        space=spaces.chess,
        period=period_of(WEEK, MONDAY),
        now=at(MONDAY + dt.timedelta(days=30), 10),
    )
    assert week.total.hours_open == D("41.0") and week.counted_until is None
