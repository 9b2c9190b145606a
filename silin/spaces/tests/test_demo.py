"""The spaces demo's plans on their own; the seeded street's spaces are checked in
silin/demo/tests/test_spaces_demo.py (they need the whole demo street)."""

from __future__ import annotations

import datetime as dt

from silin.spaces import demo, demo_plans


def test_every_planned_space_has_hours_purposes_and_a_unique_name():
    plans = demo_plans.all_plans()
    names = [p.name for p in plans]
    assert len(names) == len(set(names))
    for plan in plans:
        assert plan.hours in demo_plans.HOURS, plan.name
        assert demo_plans.PURPOSES[plan.kind] and demo_plans.PER_DAY[plan.kind], plan.name


def test_every_opened_renewal_names_a_planned_space():
    names = {p.name for p in demo_plans.all_plans()}
    for *_rest, status, space in demo_plans.RENEWALS:
        assert (space in names) if status == "opened" else space is None


def test_a_day_sheet_keeps_bookings_apart():
    sheet = demo.DaySheet()
    nine = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    sheet.take(nine, nine + dt.timedelta(hours=2))
    assert not sheet.fits(nine + dt.timedelta(hours=1), nine + dt.timedelta(hours=3))
    assert sheet.fits(nine + dt.timedelta(hours=2), nine + dt.timedelta(hours=3))
