"""The demo street's spaces (silin.spaces.demo.seed, run by seed_demo): what the article
names is there, 刘大爷's week is lived in the bookings, nothing overlaps, and seeding twice
changes nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from silin.activities.models import Event
from silin.demo.seeding import demo_context, seed_demo
from silin.spaces import demo
from silin.spaces.figures import OpeningTable
from silin.spaces.models import Booking, BookingSeries, OpeningHours, RenewalRecord, Space

pytestmark = pytest.mark.django_db

K = Space.Kind
S = Booking.Status
HOLDING = (S.APPROVED, S.CHECKED_IN)


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """One demo street for the whole module (seeding takes a few seconds).

    The clock stands still at the suite's "now" for the module: the bookings are planned
    and checked against the same instant (past, under way, to come) whatever the hour.
    """
    frozen = time_machine.travel(timezone.now(), tick=False)
    with frozen, django_db_blocker.unblock(), transaction.atomic():
        result = seed_demo(residents=400, seed=7)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded, db):
    return _seeded


def test_the_named_spaces_of_the_article_are_there(seeded):
    assert Space.objects.get(name="邻里荟").compound.name == "沱源"
    assert Space.objects.get(name="金岭驿站").compound.name == "伊顿小镇"
    assert Space.objects.get(name="睦邻中心").compound.name == "金都华府"
    centre = Space.objects.get(name="三江社区党群服务中心")
    kinds = set(centre.rooms.values_list("kind", flat=True))
    assert {K.LOUNGE, K.READING_BAR, K.DANCE_ROOM, K.ELDER_CANTEEN, K.ACTIVITY_CENTRE} <= kinds


def test_thirty_shared_spaces_and_twenty_deliberation_venues_open_for_booking(seeded):
    open_spaces = Space.objects.filter(active=True)
    assert open_spaces.exclude(kind=K.DELIBERATION).count() >= 30
    assert open_spaces.filter(kind=K.DELIBERATION).count() >= 20
    assert not open_spaces.filter(opening_hours__isnull=True).exists()
    assert seeded.counts["spaces.space"] == Space.objects.count()


def test_renewal_records_tell_where_spaces_came_from(seeded):
    opened = RenewalRecord.objects.filter(status=RenewalRecord.Status.OPENED)
    assert opened.count() >= 5
    assert all(r.space_id and r.cost and r.finished_on for r in opened)
    assert opened.get(space__name="邻里荟").site_kind == RenewalRecord.SiteKind.OPEN_GROUND_FLOOR
    assert RenewalRecord.objects.exclude(status=RenewalRecord.Status.OPENED).exists()


def test_liu_plays_chess_every_weekday_morning_eats_at_noon_and_plays_cards(seeded):
    liu = Booking.objects.filter(booker__mobile="13800000011")
    today = timezone.localdate()
    for name, hour in (("棋艺室", 9), ("长者食坊", 11), ("活动中心", 14)):
        # (his daughter's Saturday booking for him is checked in test_seed_demo)
        mine = liu.filter(space__name=name).exclude(purpose="和老朋友下棋")
        days = {timezone.localdate(b.starts_at) for b in mine}
        local_hours = {timezone.localtime(b.starts_at).hour for b in mine}
        assert local_hours == {hour}
        assert all(d.weekday() < 5 for d in days)
        assert any(d < today for d in days) and any(d > today for d in days)
    # From tomorrow on his weekdays are series made through the services; a worker books
    # the canteen for him.
    assert BookingSeries.objects.filter(booker__mobile="13800000011").count() == 3
    canteen = BookingSeries.objects.get(space__name="长者食坊")
    assert canteen.booked_by.mobile == "13800000002"
    past = liu.filter(ends_at__lte=timezone.now())
    assert set(past.values_list("status", flat=True)) <= {S.CHECKED_IN, S.NO_SHOW}
    assert past.filter(status=S.NO_SHOW).count() == 1


def test_past_bookings_were_used_or_not_and_future_ones_are_booked_or_requested(seeded):
    now = timezone.now()
    past = Booking.objects.filter(ends_at__lte=now)
    future = Booking.objects.filter(starts_at__gt=now)
    assert set(past.values_list("status", flat=True)) == {S.CHECKED_IN, S.NO_SHOW, S.CANCELLED}
    assert set(future.values_list("status", flat=True)) <= {S.APPROVED, S.REQUESTED, S.CANCELLED}
    assert future.filter(status=S.REQUESTED, space__approval_required=False).count() == 0
    assert past.filter(status=S.CHECKED_IN, checked_in_at__isnull=True).count() == 0
    span = (timezone.localdate(past.earliest("starts_at").starts_at), timezone.localdate())
    assert (span[1] - span[0]).days >= 27
    assert timezone.localdate(future.latest("starts_at").starts_at) >= span[1] + dt.timedelta(
        days=25
    )


def test_no_two_bookings_holding_a_slot_overlap(seeded):
    by_space = defaultdict(list)
    for space_id, starts_at, ends_at in Booking.objects.filter(status__in=HOLDING).values_list(
        "space_id", "starts_at", "ends_at"
    ):
        by_space[space_id].append((starts_at, ends_at))
    assert sum(len(v) for v in by_space.values()) > 1000
    for slots in by_space.values():
        slots.sort()
        for (_s1, e1), (s2, _e2) in zip(slots, slots[1:], strict=False):
            assert e1 <= s2


def test_every_booking_lies_inside_its_space_opening_hours(seeded):
    spaces = {s.pk: s for s in Space.objects.all()}
    rows = list(Booking.objects.values_list("space_id", "starts_at", "ends_at"))
    days = [timezone.localdate(s) for _i, s, _e in rows]
    table = OpeningTable.load(list(spaces), min(days), max(days) + dt.timedelta(days=1))
    windows = defaultdict(list)
    for h in OpeningHours.objects.all():
        windows[(h.space_id, h.weekday)].append((h.opens, h.closes))
    for (space_id, starts_at, ends_at), day in zip(rows, days, strict=True):
        start, end = timezone.localtime(starts_at).time(), timezone.localtime(ends_at).time()
        assert table.exceptions.get((space_id, day)) != 0, "booked on a closed day"
        if (space_id, day) in table.exceptions:
            continue  # special hours that day
        assert any(o <= start and end <= c for o, c in windows[(space_id, day.weekday())]), (
            spaces[space_id].name,
            starts_at,
        )


def test_seeding_again_changes_nothing(seeded):
    before = (Space.objects.count(), Booking.objects.count(), RenewalRecord.objects.count())
    ctx = demo_context(seed=7)
    demo.seed(ctx)
    assert ctx.counts == {}
    after = (Space.objects.count(), Booking.objects.count(), RenewalRecord.objects.count())
    assert before == after


def test_the_same_seed_plans_the_same_bookings(seeded):
    def signature():
        # Bookings of the spaces' own plan: the activities' events book spaces too
        # (silin.activities.demo), after the spaces are seeded.
        own = Booking.objects.exclude(pk__in=Event.objects.exclude(booking=None).values("booking"))
        return sorted(own.values_list("space__name", "starts_at", "ends_at", "purpose"))

    first = signature()
    with transaction.atomic():
        sid = transaction.savepoint()
        Booking.objects.all().delete()
        BookingSeries.objects.all().delete()
        seeder = demo.SpacesSeeder(demo_context(seed=7))
        seeder.load_cast()
        seeder.spaces = {s.name: s for s in Space.objects.filter(active=True)}
        plans = {p.name: p for p in demo.all_plans()}
        seeder.plans = {s.pk: plans[s.name] for s in seeder.spaces.values()}
        seeder.load_calendar()
        seeder.make_bookings()
        seeder.family_booking()
        second = signature()
        transaction.savepoint_rollback(sid)
    assert first == second


def test_each_community_s_spaces_are_booked_by_its_own_residents(seeded):
    outside = Booking.objects.exclude(space__community__name="三江社区").select_related(
        "booker__resident", "space"
    )
    assert outside.exists()
    for booking in outside:
        assert booking.booker.resident.community_id == booking.space.community_id
        assert booking.household_id == booking.booker.resident.household_id
        assert not booking.booker.has_usable_password()
