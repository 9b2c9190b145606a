"""Pairings and visits: the services and each refusal, the overdue list (ordering, scope,
the neighbours no one visits, a fixed number of queries), the pages in every language and
长辈版, and the API. The clock is frozen at noon of the suite's day: every date is built
from `timezone.localdate()` after that."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from silin.accounts.tests.factories import UserFactory
from silin.core import home
from silin.core.models import AuditEntry
from silin.lib.dates import birth_date_for_age
from silin.mutualaid import pairing_home
from silin.mutualaid import selectors_pairings as sel
from silin.mutualaid.models import HelperProfile, Pairing, Visit
from silin.mutualaid.services import pairings
from silin.mutualaid.services.common import MutualAidError
from silin.people.models import Tag
from silin.people.tests.factories import ResidentFactory
from silin.places.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _noon(clock):
    clock.move_to(12)


@pytest.fixture
def alone():
    return Tag.objects.get(code="living_alone")


def today() -> dt.date:
    return timezone.localdate()


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# --- factories -------------------------------------------------------------------------------


def make_helper(unit, *, name="唐丽", user=None, verified=True, paused=False, floor=4, door=None):
    """A helper living in `unit` (another household than 刘大爷's)."""
    household = HouseholdFactory(unit=unit, floor=floor, **({"door": door} if door else {}))
    resident = ResidentFactory(
        name=name, household=household, birth_date=birth_date_for_age(65, today=today())
    )
    return HelperProfile.objects.create(
        resident=resident,
        community=resident.community,
        user=user,
        skills=["visit"],
        verified_at=timezone.now() if verified else None,
        paused=paused,
    )


def make_elder(unit, alone_tag, *, name, age=85, tagged=True):
    household = HouseholdFactory(unit=unit)
    resident = ResidentFactory(
        name=name, household=household, birth_date=birth_date_for_age(age, today=today())
    )
    if tagged:
        resident.tags.add(alone_tag)
    return resident


def make_pairing(helper, resident, *, every_days=7, started_on=None, last_visit_at=None):
    """A pairing written straight to the table (the services are tested on their own)."""
    return Pairing.objects.create(
        community=resident.community,
        helper=helper,
        resident=resident,
        every_days=every_days,
        started_on=started_on or today() - 60 * DAY,
        last_visit_at=last_visit_at,
    )


@pytest.fixture
def helper_user(world):
    return UserFactory(name="唐丽", mobile="13900000100")


@pytest.fixture
def tang(world, helper_user):
    """唐丽, a verified helper with a phone, two floors up in 刘大爷's unit."""
    return make_helper(world.tuoyuan_unit, user=helper_user)


@pytest.fixture
def uncle_wu(world):
    """吴叔, a verified helper with no phone (no login): a worker logs his visits."""
    return make_helper(world.tuoyuan_unit, name="吴叔", floor=5)


@pytest.fixture
def liu_alone(world, alone):
    world.liu.tags.add(alone)
    return world.liu


def create(actor, helper, resident, **kwargs):
    kwargs.setdefault("kind", Pairing.Kind.DOOR_TO_DOOR)
    kwargs.setdefault("every_days", 7)
    return pairings.pairing_create(actor=actor, helper=helper, resident=resident, **kwargs)


def messages_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- pairing_create --------------------------------------------------------------------------


def test_a_coordinator_pairs_a_verified_helper_with_a_neighbour_and_it_is_audited(
    world, cast, tang
):
    pairing = create(cast.worker, tang, world.liu, every_days=5)
    assert pairing.community == world.sanjiang
    assert pairing.started_on == today() and pairing.ended_on is None
    assert pairing.created_by == cast.worker and pairing.last_visit_at is None
    entry = AuditEntry.objects.get(object_uuid=str(pairing.uuid))
    assert entry.action == "create" and entry.community_id == world.sanjiang.pk
    assert entry.changes["every_days"] == [None, 5]


def test_only_a_coordinator_of_the_neighbours_community_may_pair(world, cast, tang):
    for user in (cast.other_worker, cast.grid_member, cast.volunteer, cast.liu, cast.outsider):
        with pytest.raises(PermissionDenied):
            create(user, tang, world.liu)
    assert create(cast.street_admin, tang, world.liu)
    assert Pairing.objects.count() == 1


def test_a_helper_is_not_paired_with_their_own_household(world, cast, tang):
    housemate = ResidentFactory(name="唐丽的母亲", household=tang.resident.household)
    with translation.override("en"), pytest.raises(MutualAidError) as exc:
        create(cast.worker, tang, housemate)
    assert "same household" in messages_of(exc)
    assert "helper" in exc.value.message_dict
    with pytest.raises(MutualAidError):
        create(cast.worker, tang, tang.resident)
    assert not Pairing.objects.exists()


def test_an_unverified_or_paused_helper_is_refused(world, cast):
    new = make_helper(world.tuoyuan_unit, name="新人", verified=False)
    resting = make_helper(world.tuoyuan_unit, name="歇着", paused=True, floor=6)
    with translation.override("en"):
        with pytest.raises(MutualAidError) as exc:
            create(cast.worker, new, world.liu)
        assert "not verified" in messages_of(exc)
        with pytest.raises(MutualAidError) as exc:
            create(cast.worker, resting, world.liu)
        assert "paused" in messages_of(exc)
    assert not Pairing.objects.exists()


def test_a_helper_of_another_community_is_refused(world, cast):
    far = make_helper(world.jindu_unit, name="金都志愿者")
    with translation.override("en"), pytest.raises(MutualAidError) as exc:
        create(cast.worker, far, world.liu)
    assert "another community" in messages_of(exc)


def test_the_same_two_are_not_paired_twice_while_the_pairing_lives(world, cast, tang):
    first = create(cast.worker, tang, world.liu)
    with translation.override("en"), pytest.raises(MutualAidError) as exc:
        create(cast.worker, tang, world.liu, kind=Pairing.Kind.PAIRING)
    assert "paired already" in messages_of(exc)
    pairings.pairing_end(actor=cast.worker, pairing=first)
    again = create(cast.worker, tang, world.liu)
    assert again.pk != first.pk
    assert Pairing.objects.filter(ended_on__isnull=True).count() == 1


def test_the_database_refuses_a_second_live_pairing_written_past_the_service(world, cast, tang):
    from django.db import IntegrityError, transaction

    make_pairing(tang, world.liu)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pairing(tang, world.liu)


@pytest.mark.parametrize("every_days", [0, 91, -3])
def test_a_visit_frequency_outside_one_to_ninety_days_is_refused(world, cast, tang, every_days):
    with translation.override("en"), pytest.raises(MutualAidError) as exc:
        create(cast.worker, tang, world.liu, every_days=every_days)
    assert exc.value.message_dict["every_days"] == ["A visit every 1 to 90 days."]
    assert not Pairing.objects.exists()


def test_an_unknown_kind_and_a_start_a_season_ahead_are_refused_together(world, cast, tang):
    with pytest.raises(MutualAidError) as exc:
        create(cast.worker, tang, world.liu, kind="hugs", started_on=today() + 120 * DAY)
    assert set(exc.value.message_dict) == {"kind", "started_on"}


def test_a_neighbour_who_moved_out_is_not_paired(world, cast, tang):
    world.liu.status = "moved_out"
    world.liu.save(update_fields=["status"])
    with pytest.raises(MutualAidError) as exc:
        create(cast.worker, tang, world.liu)
    assert "resident" in exc.value.message_dict


# --- pairing_end -----------------------------------------------------------------------------


def test_ending_a_pairing_sets_the_day_and_is_audited(world, cast, tang):
    pairing = make_pairing(tang, world.liu, started_on=today() - 30 * DAY)
    ended = pairings.pairing_end(actor=cast.worker, pairing=pairing, on=today() - DAY)
    assert ended.ended_on == today() - DAY
    assert AuditEntry.objects.filter(object_uuid=str(pairing.uuid), detail="ended").exists()
    with translation.override("en"), pytest.raises(MutualAidError) as exc:
        pairings.pairing_end(actor=cast.worker, pairing=pairing)
    assert "ended already" in messages_of(exc)


def test_a_pairing_ends_neither_ahead_of_time_nor_before_it_started(world, cast, tang):
    pairing = make_pairing(tang, world.liu, started_on=today() - 3 * DAY)
    for day in (today() + DAY, today() - 4 * DAY):
        with pytest.raises(MutualAidError) as exc:
            pairings.pairing_end(actor=cast.worker, pairing=pairing, on=day)
        assert "on" in exc.value.message_dict
    assert Pairing.objects.get().ended_on is None


def test_only_its_communitys_coordinators_end_a_pairing(world, cast, tang, helper_user):
    pairing = make_pairing(tang, world.liu)
    for user in (cast.other_worker, cast.grid_member, helper_user, cast.outsider):
        with pytest.raises(PermissionDenied):
            pairings.pairing_end(actor=user, pairing=pairing)
    assert Pairing.objects.get().ended_on is None


# --- visit_log -------------------------------------------------------------------------------


def test_the_helper_logs_a_visit_in_one_call_and_the_pairing_keeps_the_latest(
    world, cast, tang, helper_user
):
    pairing = make_pairing(tang, world.liu)
    visit = pairings.visit_log(actor=helper_user, pairing=pairing)
    assert visit.by_worker is False and visit.all_well is True and visit.logged_by == helper_user
    pairing.refresh_from_db()
    assert pairing.last_visit_at == visit.visited_at
    # A visit logged late for an earlier day leaves the latest one in place.
    earlier = pairings.visit_log(actor=helper_user, pairing=pairing, visited_at=at(today() - DAY))
    pairing.refresh_from_db()
    assert pairing.last_visit_at == visit.visited_at != earlier.visited_at
    entry = AuditEntry.objects.filter(object_uuid=str(pairing.uuid), detail="visit").first()
    assert entry is not None and entry.changes["by_worker"] == [None, False]


def test_a_visit_not_all_well_keeps_its_note_cleaned(world, cast, tang, helper_user):
    pairing = make_pairing(tang, world.liu)
    visit = pairings.visit_log(
        actor=helper_user, pairing=pairing, all_well=False, note=" 腿\u200b疼，没下楼 "
    )
    assert visit.all_well is False and visit.note == "腿疼，没下楼"
    with pytest.raises(MutualAidError) as exc:
        pairings.visit_log(
            actor=helper_user, pairing=pairing, visited_at=at(today(), 8), note="长" * 201
        )
    assert "note" in exc.value.message_dict


def test_a_worker_logs_for_a_helper_without_a_phone(world, cast, uncle_wu):
    pairing = make_pairing(uncle_wu, world.liu)
    visit = pairings.visit_log(actor=cast.worker, pairing=pairing, visited_at=at(today(), 9))
    assert visit.by_worker is True and visit.logged_by == cast.worker


def test_a_worker_does_not_log_for_a_helper_who_has_a_phone(world, cast, tang):
    pairing = make_pairing(tang, world.liu)
    with translation.override("en"), pytest.raises(MutualAidError) as exc:
        pairings.visit_log(actor=cast.worker, pairing=pairing)
    assert "from their phone" in messages_of(exc)
    assert not Visit.objects.exists()


def test_nobody_else_logs_a_visit(world, cast, uncle_wu, tang, helper_user):
    pairing = make_pairing(uncle_wu, world.liu)
    for user in (helper_user, cast.other_worker, cast.grid_member, cast.liu, cast.outsider):
        with pytest.raises(PermissionDenied):
            pairings.visit_log(actor=user, pairing=pairing)
    assert not Visit.objects.exists()


def test_a_visit_is_refused_ahead_of_time_and_before_the_pairing_started(
    world, cast, tang, helper_user
):
    pairing = make_pairing(tang, world.liu, started_on=today() - 2 * DAY)
    with translation.override("en"):
        with pytest.raises(MutualAidError) as exc:
            pairings.visit_log(
                actor=helper_user,
                pairing=pairing,
                visited_at=timezone.now() + dt.timedelta(hours=1),
            )
        assert "ahead of time" in messages_of(exc)
        with pytest.raises(MutualAidError) as exc:
            pairings.visit_log(actor=helper_user, pairing=pairing, visited_at=at(today() - 3 * DAY))
        assert "before the pairing started" in messages_of(exc)
    assert not Visit.objects.exists()
    # A phone a minute fast is not "ahead of time".
    assert pairings.visit_log(
        actor=helper_user, pairing=pairing, visited_at=timezone.now() + dt.timedelta(minutes=1)
    )


def test_the_same_visit_tapped_twice_within_ten_minutes_is_logged_once(
    world, cast, tang, helper_user
):
    pairing = make_pairing(tang, world.liu)
    pairings.visit_log(actor=helper_user, pairing=pairing, visited_at=at(today(), 10, 0))
    with translation.override("en"), pytest.raises(MutualAidError) as exc:
        pairings.visit_log(actor=helper_user, pairing=pairing, visited_at=at(today(), 10, 9))
    assert "logged already" in messages_of(exc)
    assert pairings.visit_log(actor=helper_user, pairing=pairing, visited_at=at(today(), 10, 10))
    assert Visit.objects.count() == 2


def test_no_visit_is_logged_on_an_ended_pairing(world, cast, tang, helper_user):
    pairing = make_pairing(tang, world.liu)
    pairings.pairing_end(actor=cast.worker, pairing=pairing)
    with pytest.raises(MutualAidError):
        pairings.visit_log(actor=helper_user, pairing=pairing)
    assert not Visit.objects.exists()


# --- the overdue list ------------------------------------------------------------------------


@pytest.fixture
def street_of_elders(world, cast, alone, tang, uncle_wu):
    """Four neighbours living alone in 沱源 and one in 金龙社区:
    - 张婆婆: every 7 days, last seen 12 days ago (5 days overdue)
    - 刘大爷: every 3 days, never visited since the start 10 days ago (7 days overdue)
    - 李爷爷: every 7 days, seen yesterday (not due)
    - 赵奶奶: every 7 days, seen 8 days ago (1 day overdue), helper without a phone
    - 孙奶奶 (not tagged 独居): every 7 days, 30 days ago: not on the list
    - 钱爷爷: living alone, no pairing; 周奶奶 likewise but only her pairing ended
    - 金龙's 黄奶奶: overdue but in another community
    """
    unit = world.tuoyuan_unit
    zhang = make_elder(unit, alone, name="张婆婆", age=88)
    world.liu.tags.add(alone)
    li = make_elder(unit, alone, name="李爷爷")
    zhao = make_elder(unit, alone, name="赵奶奶", age=90)
    sun = make_elder(unit, alone, name="孙奶奶", tagged=False)
    qian = make_elder(unit, alone, name="钱爷爷", age=92)
    zhou = make_elder(unit, alone, name="周奶奶", age=81)
    make_pairing(tang, zhang, last_visit_at=at(today() - 12 * DAY))
    make_pairing(tang, world.liu, every_days=3, started_on=today() - 10 * DAY)
    make_pairing(tang, li, last_visit_at=at(today() - DAY))
    # 00:30 in Shanghai is the day before in UTC: the list counts from the local day.
    make_pairing(uncle_wu, zhao, last_visit_at=at(today() - 8 * DAY, 0, 30))
    make_pairing(tang, sun, last_visit_at=at(today() - 30 * DAY))
    ended = make_pairing(uncle_wu, zhou, last_visit_at=at(today() - 30 * DAY))
    ended.ended_on = today() - 20 * DAY
    ended.save(update_fields=["ended_on"])
    far = make_helper(world.jindu_unit, name="金都志愿者")
    huang = make_elder(world.jindu_unit, alone, name="黄奶奶")
    make_pairing(far, huang, last_visit_at=at(today() - 40 * DAY))
    return {"zhang": zhang, "li": li, "zhao": zhao, "qian": qian, "zhou": zhou, "huang": huang}


def test_the_overdue_list_puts_the_longest_overdue_first(world, cast, street_of_elders):
    overdue = sel.overdue_list(actor=cast.worker)
    shown = [(r.pairing.resident.name, r.days_overdue) for r in overdue.rows]
    assert shown == [("刘大爷", 7), ("张婆婆", 5), ("赵奶奶", 1)]
    assert overdue.total == 3
    first = overdue.rows[0]
    assert first.last_visit_on is None and first.due_on == today() - 7 * DAY
    assert first.pairing.helper.resident.name == "唐丽"
    assert overdue.rows[2].last_visit_on == today() - 8 * DAY


def test_a_visit_due_today_is_not_overdue_until_tomorrow(world, cast, alone, tang, helper_user):
    elder = make_elder(world.tuoyuan_unit, alone, name="准时")
    make_pairing(tang, elder, last_visit_at=at(today() - 7 * DAY, 8))
    assert sel.overdue_list(actor=cast.worker).rows == []
    assert sel.overdue_list(actor=cast.worker, today=today() + DAY).rows[0].days_overdue == 1


def test_no_one_visits_lists_those_living_alone_without_a_live_pairing_oldest_first(
    world, cast, street_of_elders
):
    overdue = sel.overdue_list(actor=cast.worker)
    assert [r.name for r in overdue.unpaired] == ["钱爷爷", "周奶奶"]
    assert overdue.unpaired_total == 2


def test_a_logged_visit_takes_a_neighbour_off_the_list(world, cast, street_of_elders, uncle_wu):
    zhao = Pairing.objects.get(resident=street_of_elders["zhao"])
    pairings.visit_log(actor=cast.worker, pairing=zhao)
    names = [r.pairing.resident.name for r in sel.overdue_list(actor=cast.worker).rows]
    assert names == ["刘大爷", "张婆婆"]


def test_the_overdue_list_is_scoped_to_the_coordinators_communities(
    world, cast, street_of_elders, helper_user
):
    assert [r.pairing.resident.name for r in sel.overdue_list(actor=cast.other_worker).rows] == [
        "黄奶奶"
    ]
    street = sel.overdue_list(actor=cast.street_admin)
    assert street.total == 4 and street.rows[0].pairing.resident.name == "黄奶奶"
    assert sel.overdue_list(actor=cast.street_admin, community=world.jinlong).total == 1
    for user in (cast.grid_member, cast.volunteer, cast.liu, cast.outsider, helper_user):
        assert sel.overdue_list(actor=user) == sel.EMPTY
    # Another community's worker asking for 三江 gets nothing.
    assert sel.overdue_list(actor=cast.other_worker, community=world.sanjiang) == sel.EMPTY


def test_the_limit_cuts_the_rows_but_not_the_counts(world, cast, street_of_elders):
    overdue = sel.overdue_list(actor=cast.worker, limit=1)
    assert len(overdue.rows) == 1 and overdue.total == 3
    assert len(overdue.unpaired) == 1 and overdue.unpaired_total == 2


def test_the_overdue_list_costs_four_queries_whatever_the_rows(
    world, cast, alone, tang, django_assert_num_queries
):
    def elders(n, start):
        for i in range(n):
            elder = make_elder(world.tuoyuan_unit, alone, name=f"老人{start + i}")
            make_pairing(tang, elder, last_visit_at=at(today() - (10 + i) * DAY))
            make_elder(world.tuoyuan_unit, alone, name=f"无人{start + i}")

    elders(2, 0)
    with django_assert_num_queries(4):  # each list: a page of keys with its count, its rows
        small = sel.overdue_list(actor=cast.worker)
        _ = [
            (r.pairing.resident.household.address_short, r.pairing.helper.resident.name)
            for r in small.rows
        ]
        _ = [r.household.address_short for r in small.unpaired]
    elders(15, 2)
    with django_assert_num_queries(4):
        big = sel.overdue_list(actor=cast.worker)
        _ = [
            (r.pairing.resident.household.address_short, r.pairing.helper.resident.name)
            for r in big.rows
        ]
        _ = [r.household.address_short for r in big.unpaired]
    assert big.total == 17 and big.unpaired_total == 17
    sel.overdue_list(actor=cast.outsider)  # reads the outsider's (no) roles once
    with django_assert_num_queries(0):
        assert sel.overdue_list(actor=cast.outsider) == sel.EMPTY


def test_a_helpers_pairings_come_soonest_due_first(world, cast, street_of_elders, helper_user):
    mine = sel.pairings_for_helper(actor=helper_user)
    assert [r.pairing.resident.name for r in mine] == ["孙奶奶", "刘大爷", "张婆婆", "李爷爷"]
    assert [r.days_overdue for r in mine] == [23, 7, 5, 0]
    assert sel.pairings_for_helper(actor=cast.worker) == []


def test_a_communitys_pairing_list_shows_the_live_ones_to_its_coordinators(
    world, cast, street_of_elders
):
    rows = sel.pairing_list(actor=cast.worker, community=world.sanjiang)
    assert len(rows) == 5  # 周奶奶's pairing ended
    assert sel.pairing_list(actor=cast.other_worker, community=world.sanjiang) == []


# --- the home page ---------------------------------------------------------------------------


def test_the_coordinators_panel_shows_the_first_ten_and_counts_the_rest(world, cast, alone, tang):
    for i in range(12):
        elder = make_elder(world.tuoyuan_unit, alone, name=f"老人{i:02d}")
        make_pairing(tang, elder, last_visit_at=at(today() - (10 + i) * DAY))
    make_elder(world.tuoyuan_unit, alone, name="无人探望")
    panel = pairing_home.overdue_panel(cast.worker)
    assert panel is not None
    assert len(panel["overdue"].rows) == 10 and panel["overdue"].total == 12
    assert panel["overdue"].rows[0].pairing.resident.name == "老人11"
    assert panel["overdue"].unpaired_total == 1
    for user in (cast.grid_member, cast.liu, cast.outsider):
        assert pairing_home.overdue_panel(user) is None


def test_a_helper_sees_their_next_visits_due_on_the_home_page(world, cast, tang, helper_user):
    assert pairing_home.my_pairings_panel(helper_user) is None  # no pairing yet
    make_pairing(tang, world.liu, last_visit_at=at(today() - 2 * DAY))
    panel = pairing_home.my_pairings_panel(helper_user)
    assert panel is not None and panel["rows"][0].due_on == today() + 5 * DAY
    assert pairing_home.my_pairings_panel(cast.worker) is None


def test_a_visit_not_all_well_is_a_to_do_for_the_coordinators_for_seven_days(
    world, cast, clock, tang, helper_user
):
    pairing = make_pairing(tang, world.liu)
    pairings.visit_log(actor=helper_user, pairing=pairing, all_well=False, note="咳嗽")
    with translation.override("en"):
        (todo,) = pairing_home.not_well_todos(cast.worker)
    assert todo.count == 1 and "not well" in str(todo.label)
    assert pairing_home.not_well_todos(cast.other_worker) == []
    assert pairing_home.not_well_todos(helper_user) == []
    clock.move_to(13, days=8)
    assert pairing_home.not_well_todos(cast.worker) == []


@pytest.fixture
def registered():
    """The pairings' panels and to-do on the home page (as MutualAidConfig.ready does)."""
    keys = ("mutualaid.overdue_visits", "mutualaid.my_pairings", "mutualaid.visits_not_well")
    before = set(home.panel_keys()) | set(home._todo_sources)  # noqa: SLF001
    pairing_home.register()
    yield
    for key in keys:
        if key not in before:
            home.unregister(key)


def test_the_home_page_shows_the_panels_and_the_to_do(
    world, cast, paired, helper_user, login, registered
):
    pairings.visit_log(actor=cast.worker, pairing=paired["wu"], all_well=False)
    page = login(cast.worker).get(reverse("console:home"), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert 'id="panel-overdue-visits"' in body and "刘大爷" in body
    assert 'id="todo-mutualaidvisits_not_well"' in body
    assert 'id="panel-my-pairings"' not in body
    body = login(helper_user).get(reverse("console:home")).content.decode()
    assert 'id="panel-my-pairings"' in body and 'id="panel-overdue-visits"' not in body


# --- pages -----------------------------------------------------------------------------------


def url(name, *args, **query):
    from urllib.parse import urlencode

    base = reverse(f"mutualaid:{name}", args=args)
    return f"{base}?{urlencode(query)}" if query else base


@pytest.fixture
def paired(world, cast, liu_alone, tang, uncle_wu, alone):
    """刘大爷 (独居) visited by 唐丽 (a phone), 10 days overdue; 张婆婆 by 吴叔 (no phone)."""
    liu = make_pairing(tang, world.liu, last_visit_at=at(today() - 17 * DAY))
    zhang = make_elder(world.tuoyuan_unit, alone, name="张婆婆")
    wu = make_pairing(uncle_wu, zhang, every_days=3, started_on=today() - DAY)
    make_elder(world.tuoyuan_unit, alone, name="钱爷爷", age=92)
    return {"liu": liu, "wu": wu}


PAGES = ("pairing-list", "pairing-create", "overdue", "pairing-end", "visit-log")
ENGLISH = {
    "pairing-list": "Pair a neighbour",
    "pairing-create": "Pair them",
    "overdue": "no one visiting",
    "pairing-end": "End the pairing",
    "visit-log": "Log the visit",
    "my-pairings": "I visited today",
}


def _page_url(name, paired, world):
    if name in ("pairing-end",):
        return url(name, paired["liu"].uuid)
    if name == "visit-log":
        return url(name, paired["wu"].uuid)
    if name == "pairing-create":
        return url(name, community=world.sanjiang.uuid, q="刘")
    return url(name)


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("elderly", [False, True])
def test_the_pages_render_in_every_language_and_in_elderly_mode(
    world, cast, paired, helper_user, login, lang, elderly
):
    for user in (cast.worker, helper_user):
        user.elderly_mode = elderly
        user.save(update_fields=["elderly_mode"])
    pages = [(cast.worker, name) for name in PAGES] + [(helper_user, "my-pairings")]
    for user, name in pages:
        client = login(user)
        with translation.override(lang):
            page = client.get(_page_url(name, paired, world), HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200, name
        body = page.content.decode()
        assert f'<html lang="{lang}"' in body
        assert ('<body class="elderly"' in body) == elderly
        assert "刘大爷" in body or "张婆婆" in body, name
        if lang == "en":
            assert ENGLISH[name] in body, name
        else:
            assert "跳到正文" in body  # the frame's own words, in Chinese


def test_the_pages_are_404_to_the_outsider_and_another_communitys_worker(
    world, cast, paired, helper_user, login
):
    other_helper_user = UserFactory(name="金都志愿者", mobile="13900000200")
    make_helper(world.jindu_unit, name="金都志愿者", user=other_helper_user)
    for user in (cast.outsider, cast.grid_member, cast.liu, other_helper_user):
        client = login(user)
        for name in PAGES:
            assert client.get(_page_url(name, paired, world)).status_code == 404, (user, name)
        for name in ("pairing-end", "visit-log"):
            assert client.post(_page_url(name, paired, world)).status_code == 404, (user, name)
        create = client.post(url("pairing-create"), {"community": world.sanjiang.uuid})
        assert create.status_code == 404
    # 金龙's worker has pages of their own, but nothing of 三江's.
    client = login(cast.other_worker)
    assert client.get(url("pairing-list")).status_code == 200
    for name in ("pairing-list", "pairing-create", "overdue"):
        assert client.get(url(name, community=world.sanjiang.uuid)).status_code == 404, name
    for name in ("pairing-end", "visit-log"):
        assert client.get(_page_url(name, paired, world)).status_code == 404, name
        assert client.post(_page_url(name, paired, world)).status_code == 404, name
    create = client.post(url("pairing-create"), {"community": world.sanjiang.uuid})
    assert create.status_code == 404
    for user in (cast.worker, cast.outsider, cast.other_worker):
        assert login(user).get(url("my-pairings")).status_code == 404
    assert Pairing.objects.filter(ended_on__isnull=False).count() == 0
    assert not Visit.objects.exists()


def test_the_helper_logs_a_visit_in_two_taps(world, cast, paired, helper_user, login):
    client = login(helper_user)
    page = client.get(url("my-pairings"))  # tap one: open "My pairings" (or the home panel)
    assert "刘大爷" in page.content.decode()
    done = client.post(  # tap two
        url("visit-log", paired["liu"].uuid), {"outcome": "well"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert done.status_code == 302 and done["Location"] == url("my-pairings")
    visit = Visit.objects.get()
    assert visit.all_well and not visit.by_worker and visit.logged_by == helper_user
    shown = client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your visit to 刘大爷 is logged" in shown and "Visited today" in shown
    again = client.post(
        url("visit-log", paired["liu"].uuid), {"outcome": "well"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        "logged already"
        in client.get(again["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert Visit.objects.count() == 1


def test_htmx_swaps_the_helpers_card_with_the_outcome(world, cast, paired, helper_user, login):
    client = login(helper_user)
    answer = client.post(
        url("visit-log", paired["liu"].uuid),
        {"outcome": "not_well", "note": "膝盖疼"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert body.startswith("<li") and "workers will follow up" in body and "Visited today" in body
    visit = Visit.objects.get()
    assert visit.all_well is False and visit.note == "膝盖疼"


def test_htmx_reloads_the_page_when_the_pairing_ended_meanwhile(
    world, cast, paired, helper_user, login
):
    pairings.pairing_end(actor=cast.worker, pairing=paired["liu"])
    answer = login(helper_user).post(
        url("visit-log", paired["liu"].uuid), {"outcome": "well"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200 and answer["HX-Redirect"] == url("my-pairings")
    assert not Visit.objects.exists()


def test_a_worker_logs_a_visit_for_a_helper_without_a_phone(world, cast, paired, login):
    client = login(cast.worker)
    back = url("overdue")
    when = at(today(), 9, 30)
    answer = client.post(
        url("visit-log", paired["wu"].uuid),
        {"outcome": "well", "visited_at": when.strftime("%Y-%m-%dT%H:%M"), "next": back},
    )
    assert answer.status_code == 302 and answer["Location"] == back
    visit = Visit.objects.get()
    assert visit.by_worker and visit.visited_at == when
    # 唐丽 has a phone: she logs her own.
    refused = client.post(url("visit-log", paired["liu"].uuid), {"outcome": "well"})
    assert refused["Location"] == url("visit-log", paired["liu"].uuid)
    assert Visit.objects.count() == 1


def test_the_coordinator_finds_a_neighbour_by_name_and_pairs_them(world, cast, alone, login):
    helper = make_helper(world.tuoyuan_unit, name="唐丽")
    client = login(cast.worker)
    found = client.get(url("pairing-create", community=world.sanjiang.uuid, q="刘"))
    body = found.content.decode()
    assert "刘大爷" in body and "唐丽" in body and "王阿姨" not in body
    partial = client.get(
        url("pairing-create", community=world.sanjiang.uuid, q="刘"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="resident-results",
    )
    assert partial.content.decode().startswith("<fieldset")
    data = {
        "community": world.sanjiang.uuid,
        "resident": world.liu.uuid,
        "helper": helper.uuid,
        "kind": Pairing.Kind.UPSTAIRS_DOWNSTAIRS,
        "every_days": 4,
    }
    bad = client.post(url("pairing-create"), {**data, "every_days": 120}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200 and "A visit every 1 to 90 days." in bad.content.decode()
    assert not Pairing.objects.exists()
    done = client.post(url("pairing-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 302
    assert done["Location"] == url("pairing-list", community=world.sanjiang.uuid)
    pairing = Pairing.objects.get()
    assert pairing.every_days == 4 and pairing.kind == Pairing.Kind.UPSTAIRS_DOWNSTAIRS
    listed = client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "刘大爷 is paired" in listed and "every 4 days" in listed


def test_the_create_form_refuses_a_neighbour_of_another_community(world, cast, login):
    helper = make_helper(world.tuoyuan_unit, name="唐丽")
    answer = login(cast.worker).post(
        url("pairing-create"),
        {
            "community": world.sanjiang.uuid,
            "resident": world.other_resident.uuid,
            "helper": helper.uuid,
            "kind": Pairing.Kind.PAIRING,
            "every_days": 7,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        answer.status_code == 200
        and "Choose a neighbour of this community" in answer.content.decode()
    )
    assert not Pairing.objects.exists()


def test_the_coordinator_ends_a_pairing_from_its_page(world, cast, paired, login):
    client = login(cast.worker)
    done = client.post(url("pairing-end", paired["liu"].uuid), {"on": ""})
    assert done.status_code == 302
    assert Pairing.objects.get(pk=paired["liu"].pk).ended_on == today()
    assert "唐丽" in client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    twice = client.post(url("pairing-end", paired["liu"].uuid))
    assert twice["Location"] == url("pairing-end", paired["liu"].uuid)


def test_the_overdue_page_lists_the_late_the_unvisited_and_the_not_well(
    world, cast, paired, login, uncle_wu
):
    pairings.visit_log(actor=cast.worker, pairing=paired["wu"], all_well=False, note="没吃饭")
    client = login(cast.worker)
    body = client.get(url("overdue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "10 days overdue" in body and "刘大爷" in body
    assert "没吃饭" in body
    # Those no one visits have a page of their own, linked from the overdue list.
    assert "钱爷爷" not in body and f'href="{url("unpaired")}"' in body
    body = client.get(url("unpaired"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "钱爷爷" in body and "1 neighbour living alone has no one visiting" in body
    assert "刘大爷" not in body  # he has a pairing


def test_the_overdue_list_and_the_unpaired_are_paged_with_their_totals(
    world, cast, alone, tang, login
):
    for i in range(27):
        elder = make_elder(world.tuoyuan_unit, alone, name=f"老人{i:02d}")
        make_pairing(tang, elder, last_visit_at=at(today() - (100 - i) * DAY))
        make_elder(world.tuoyuan_unit, alone, name=f"无人{i:02d}")
    client = login(cast.worker)
    first = client.get(url("overdue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "27 neighbours living alone wait for a visit" in first
    assert "老人00" in first and "老人24" in first and "老人25" not in first  # 25 a page
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get(url("overdue"), {"page": "2"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "老人25" in second and "老人26" in second and "老人00" not in second
    assert "27 neighbours living alone wait for a visit" in second
    for junk in ("0", "-3", "x"):  # nonsense: the first page
        assert client.get(url("overdue"), {"page": junk}).status_code == 200
    beyond = client.get(url("overdue"), {"page": "9"})  # past the end: the last page
    assert beyond.status_code == 302 and beyond["Location"] == f"{url('overdue')}?page=2"
    unpaired = client.get(url("unpaired"), {"page": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    body = unpaired.content.decode()
    # 钱爷爷-like elders of the fixtures aside, the 27 made here are paged 25 at a time.
    assert "Page 2 of 2" in body and "无人" in body


def test_the_overdue_page_costs_the_same_queries_whatever_the_rows(
    world, cast, alone, tang, login, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.worker)
    client.get(url("overdue"))  # the session's first reads

    def count():
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url("overdue")).status_code == 200
        return len(seen)

    elder = make_elder(world.tuoyuan_unit, alone, name="老人")
    pairing = make_pairing(tang, elder, last_visit_at=at(today() - 20 * DAY))
    Visit.objects.create(pairing=pairing, visited_at=at(today() - DAY), all_well=False)
    few = count()
    # The session and its user, the communities, the overdue list (its page's keys with
    # the count, then the rows) and the visits not well (the same two).
    assert few == 7
    for i in range(15):
        elder = make_elder(world.tuoyuan_unit, alone, name=f"老人{i}")
        pairing = make_pairing(tang, elder, last_visit_at=at(today() - (20 + i) * DAY))
        Visit.objects.create(pairing=pairing, visited_at=at(today() - DAY), all_well=False)
        make_elder(world.tuoyuan_unit, alone, name=f"无人{i}")
    assert count() == few
    with django_assert_num_queries(few):
        client.get(url("overdue"))


# --- the API ---------------------------------------------------------------------------------

API = "/api/v1/mutualaid"


def post_json(client, path, data=None, **extra):
    return client.post(path, data or {}, content_type="application/json", **extra)


def test_the_api_lists_my_communitys_pairings_and_a_helper_their_own(
    world, cast, paired, helper_user, login
):
    mine = login(cast.worker).get(f"{API}/pairings").json()
    assert mine["count"] == 2
    first = next(p for p in mine["results"] if p["uuid"] == str(paired["liu"].uuid))
    assert first["resident"]["name"] == "刘大爷" and first["helper"]["name"] == "唐丽"
    assert first["days_overdue"] == 10 and first["helper_has_login"] is True
    own = login(helper_user).get(f"{API}/pairings").json()
    assert [p["uuid"] for p in own["results"]] == [str(paired["liu"].uuid)]
    for user in (cast.other_worker, cast.outsider, cast.grid_member):
        assert login(user).get(f"{API}/pairings").json()["count"] == 0


def test_the_api_pairs_two_neighbours_and_refuses_bad_input_with_the_error_schema(
    world, cast, login
):
    helper = make_helper(world.tuoyuan_unit, name="唐丽")
    client = login(cast.worker)
    body = {"helper": str(helper.uuid), "resident": str(world.liu.uuid), "every_days": 5}
    made = post_json(client, f"{API}/pairings", body)
    assert made.status_code == 201, made.content
    assert made.json()["every_days"] == 5 and made.json()["kind"] == "pairing"
    twice = post_json(client, f"{API}/pairings", body, HTTP_ACCEPT_LANGUAGE="en")
    assert twice.status_code == 422
    assert twice.json()["error"]["fields"]["helper"] == ["These two are paired already."]
    often = post_json(
        client, f"{API}/pairings", {**body, "every_days": 0}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert often.json()["error"]["fields"]["every_days"] == ["A visit every 1 to 90 days."]
    far = post_json(client, f"{API}/pairings", {**body, "resident": str(world.other_resident.uuid)})
    assert far.status_code == 422 and "resident" in far.json()["error"]["fields"]
    assert Pairing.objects.count() == 1
    for user in (cast.outsider, cast.grid_member):
        assert post_json(login(user), f"{API}/pairings", body).status_code == 404


def test_the_api_ends_a_pairing_for_its_coordinators_only(world, cast, paired, login):
    path = f"{API}/pairings/{paired['liu'].uuid}/end"
    for user in (cast.other_worker, cast.outsider):
        assert post_json(login(user), path).status_code == 404
    ended = post_json(login(cast.worker), path, {"on": (today() - DAY).isoformat()})
    assert ended.status_code == 200 and ended.json()["ended_on"] == (today() - DAY).isoformat()
    again = post_json(login(cast.worker), path)
    assert again.status_code == 422 and again.json()["error"]["code"] == "invalid"


def test_the_api_logs_a_visit_once_and_refuses_the_future(world, cast, paired, helper_user, login):
    path = f"{API}/pairings/{paired['liu'].uuid}/visits"
    client = login(helper_user)
    logged = post_json(client, path, {"all_well": False, "note": "血压高"})
    assert logged.status_code == 201, logged.content
    assert logged.json()["all_well"] is False and logged.json()["by_worker"] is False
    assert post_json(client, path).status_code == 422
    ahead = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    future = post_json(client, path, {"visited_at": ahead}, HTTP_ACCEPT_LANGUAGE="en")
    assert future.json()["error"]["fields"]["visited_at"] == [
        "A visit cannot be logged ahead of time."
    ]
    for user in (cast.other_worker, cast.outsider, cast.liu):
        assert post_json(login(user), path).status_code == 404
    assert Visit.objects.count() == 1
    assert Pairing.objects.get(pk=paired["liu"].pk).last_visit_at is not None


def test_the_api_overdue_list_is_the_pages_and_404_out_of_scope(world, cast, paired, login):
    found = login(cast.worker).get(f"{API}/overdue").json()
    assert found["total"] == 1 and found["rows"][0]["resident"]["name"] == "刘大爷"
    assert found["rows"][0]["days_overdue"] == 10
    assert found["rows"][0]["last_visit_on"] == (today() - 17 * DAY).isoformat()
    assert found["unpaired_total"] == 1 and found["unpaired"][0]["resident"]["name"] == "钱爷爷"
    assert found["unpaired"][0]["age"] == 92
    other = login(cast.other_worker)
    assert other.get(f"{API}/overdue").json()["total"] == 0
    assert other.get(f"{API}/overdue", {"community": str(world.sanjiang.uuid)}).status_code == 404
    assert login(cast.outsider).get(f"{API}/overdue").status_code == 404
