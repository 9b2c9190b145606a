"""The shared cast of characters (DESIGN.md convention 9).

赵镇街道 has 三江社区 (compounds 沱源 and 伊顿小镇) and 金龙社区 (compound 金都华府).
The cast: a street admin, a worker of 三江社区, a worker of 金龙社区 (another community),
a grid member of 三江社区, 刘大爷 (80, living in 沱源, 三江社区), a volunteer of 三江社区
and an outsider with no role at all.
"""

from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from silin.accounts.tests.factories import PASSWORD, UserFactory, assign
from silin.core.roles import Role
from silin.lib.dates import birth_date_for_age
from silin.people.tests.factories import ResidentFactory
from silin.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    HouseholdFactory,
    StreetFactory,
    UnitFactory,
)


def _suite_now() -> dt.datetime | None:
    """The instant the whole suite starts at, from SILIN_TEST_NOW (ISO 8601 with an offset).

    Tests never depend on the hour or the date they run at; this moves the clock of the
    whole run (the live server's thread included) so that claim can be checked, e.g.
    ``SILIN_TEST_NOW=2028-02-29T21:30+08:00 make test``. The clock keeps ticking from there.
    """
    value = os.environ.get("SILIN_TEST_NOW", "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise pytest.UsageError(f"SILIN_TEST_NOW={value!r} is not an ISO 8601 time") from exc
    if moment.tzinfo is None:
        raise pytest.UsageError(f"SILIN_TEST_NOW={value!r} needs an offset, e.g. +08:00")
    return moment


_traveller: time_machine.travel | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _traveller
    moment = _suite_now()
    if moment is not None:
        _traveller = time_machine.travel(moment, tick=True)
        _traveller.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config: pytest.Config) -> str:
    moment = _suite_now()
    return f"suite clock: {moment.isoformat() if moment else 'the real time'} (SILIN_TEST_NOW)"


class Clock:
    """Moves the clock to a chosen hour of the suite's day, for tests that depend on the hour.

    The day stays the suite's (so SILIN_TEST_NOW still moves it to 31 December or
    29 February); only the time of day is fixed. The clock ticks on from there.
    """

    def __init__(self) -> None:
        self._travellers: list[time_machine.travel] = []

    def move_to(self, hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
        day = timezone.localdate() + dt.timedelta(days=days)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        self._travellers.append(traveller)
        return timezone.localtime(moment)

    def stop(self) -> None:
        while self._travellers:
            self._travellers.pop().stop()


@pytest.fixture
def clock():
    moved = Clock()
    yield moved
    moved.stop()


@pytest.fixture(autouse=True)
def _silin_test_settings(settings):
    settings.SILIN_SMS_BACKEND = "silin.accounts.sms.LocmemBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from silin.accounts import sms

    sms.outbox.clear()
    # Throttle counters (the API's) live in the cache and would carry over between tests.
    cache.clear()
    yield
    cache.clear()


def _eighty_years_ago() -> dt.date:
    return birth_date_for_age(80, today=timezone.localdate())


@pytest.fixture
def world(db):
    street = StreetFactory(name="赵镇街道", code="510121100000")
    sanjiang = CommunityFactory(street=street, name="三江社区", code="510121100001")
    jinlong = CommunityFactory(street=street, name="金龙社区", code="510121100002")
    tuoyuan = CompoundFactory(community=sanjiang, name="沱源")
    eton = CompoundFactory(community=sanjiang, name="伊顿小镇")
    jindu = CompoundFactory(community=jinlong, name="金都华府")
    tuoyuan_unit = UnitFactory(building=BuildingFactory(compound=tuoyuan, number="3"), number="1")
    jindu_unit = UnitFactory(building=BuildingFactory(compound=jindu, number="8"), number="2")
    liu_household = HouseholdFactory(unit=tuoyuan_unit, floor=2, door="201")
    other_household = HouseholdFactory(unit=jindu_unit, floor=5, door="502")
    liu = ResidentFactory(
        name="刘大爷",
        gender="M",
        birth_date=_eighty_years_ago(),
        household=liu_household,
        mobile="13800001234",
    )
    neighbour = ResidentFactory(name="王阿姨", gender="F", household=other_household)
    return SimpleNamespace(
        street=street,
        sanjiang=sanjiang,
        jinlong=jinlong,
        tuoyuan=tuoyuan,
        eton=eton,
        jindu=jindu,
        tuoyuan_unit=tuoyuan_unit,
        jindu_unit=jindu_unit,
        liu_household=liu_household,
        other_household=other_household,
        liu=liu,
        other_resident=neighbour,
    )


@pytest.fixture
def cast(world):
    """One user per part of the cast, keyed by role name."""
    street_admin = UserFactory(name="街道管理员", mobile="13900000001", is_staff=True)
    assign(street_admin, Role.STREET_ADMIN, world.street)
    worker = UserFactory(name="三江社工", mobile="13900000002")
    assign(worker, Role.COMMUNITY_WORKER, world.sanjiang)
    other_worker = UserFactory(name="金龙社工", mobile="13900000003")
    assign(other_worker, Role.COMMUNITY_WORKER, world.jinlong)
    grid_member = UserFactory(name="网格员", mobile="13900000004")
    assign(grid_member, Role.GRID_MEMBER, world.sanjiang)
    liu_user = UserFactory(name="刘大爷", mobile="13800001234", resident=world.liu)
    assign(liu_user, Role.RESIDENT, world.tuoyuan)
    volunteer = UserFactory(name="志愿者", mobile="13900000006")
    assign(volunteer, Role.VOLUNTEER, world.sanjiang)
    outsider = UserFactory(name="路人", mobile="13900000007")
    return SimpleNamespace(
        street_admin=street_admin,
        worker=worker,
        other_worker=other_worker,
        grid_member=grid_member,
        liu=liu_user,
        volunteer=volunteer,
        outsider=outsider,
        password=PASSWORD,
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
