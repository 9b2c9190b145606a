from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation

from silin.accounts import sms
from silin.accounts.tests.factories import UserFactory, assign
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.notifications.models import Notification
from silin.spaces import services
from silin.spaces.models import Booking, BookingSeries, OpeningException, Space, WaitlistEntry
from silin.spaces.services import SlotTaken, SpaceError
from silin.spaces.tests.factories import (
    BlockedPeriodFactory,
    BookingFactory,
    SpaceFactory,
    local,
    open_every_day,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def room(world, cast):
    """沱源's chess room: open 08:00–21:00 every day, for the residents of 三江社区."""
    space = SpaceFactory(
        name="棋牌室",
        kind=Space.Kind.ACTIVITY_CENTRE,
        community=world.sanjiang,
        compound=world.tuoyuan,
        capacity=8,
    )
    return open_every_day(space)


def book(actor, space, start, end=None, **kw):
    kw.setdefault("purpose", "下棋")
    kw.setdefault("attendees", 2)
    return services.booking_create(
        actor=actor,
        space=space,
        starts_at=start,
        ends_at=end or start + dt.timedelta(hours=1),
        **kw,
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- booking_create: the happy path ---------------------------------------------------------


def test_a_resident_books_a_free_slot_and_it_is_confirmed_and_audited(cast, world, room):
    booking = book(cast.liu, room, local(2, 9))
    assert booking.status == Booking.Status.APPROVED
    assert booking.household == world.liu_household
    assert booking.community == world.sanjiang and booking.compound == world.tuoyuan
    assert booking.booked_by is None
    entry = AuditEntry.objects.get(object_uuid=str(booking.uuid))
    assert entry.action == "create" and entry.actor == cast.liu


def test_a_worker_books_on_behalf_of_a_resident_who_is_told(
    cast, room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(cast.worker, room, local(2, 9), booker=cast.liu)
    assert booking.booker == cast.liu and booking.booked_by == cast.worker
    notice = Notification.objects.get(recipient=cast.liu)
    assert notice.kind == "booking_made_for_you"
    assert sms.outbox and sms.outbox[-1][0] == cast.liu.mobile


# --- booking_create: every kind of bad input, nothing saved ----------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ((2, 10), (2, 9), "ends_at", "end must be after the start"),
        ((2, 6), (2, 7), "starts_at", "Opening hours that day: 08:00–21:00"),
        ((2, 20), (2, 22), "starts_at", "not open for all of this time"),
        ((2, 9), (2, 9, 10), "ends_at", "at least 30 minutes"),
        ((2, 9), (2, 14), "ends_at", "at most 240 minutes"),
        ((-1, 9), (-1, 10), "starts_at", "already passed"),
        ((45, 9), (45, 10), "starts_at", "at most 30 days ahead"),
    ],
)
def test_bad_times_are_refused_with_a_clear_message_and_nothing_saved(
    cast, room, start, end, field, words
):
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(*start), local(*end))
    assert any(words in m for m in errors_of(excinfo)[field])
    assert not Booking.objects.exists()


def test_over_capacity_is_refused(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9), attendees=9)
    assert errors_of(excinfo)["attendees"] == ["This space holds at most 8 people."]
    assert not Booking.objects.exists()


def test_a_day_closed_by_an_exception_is_refused(cast, room):
    OpeningException.objects.create(
        space=room, date=local(2, 9).date(), closed=True, reason=OpeningException.Reason.HOLIDAY
    )
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9))
    assert errors_of(excinfo)["starts_at"] == ["The space is closed that day."]


def test_special_hours_replace_the_weekly_hours_that_day(cast, room):
    OpeningException.objects.create(
        space=room,
        date=local(2, 9).date(),
        closed=False,
        opens=dt.time(13),
        closes=dt.time(17),
        reason=OpeningException.Reason.SPECIAL,
    )
    with pytest.raises(SpaceError):
        book(cast.liu, room, local(2, 9))
    assert book(cast.liu, room, local(2, 14)).status == Booking.Status.APPROVED


def test_a_blocked_period_is_refused_except_for_its_named_overriders(cast, room):
    block = BlockedPeriodFactory(
        space=room, starts_at=local(2, 8), ends_at=local(2, 12), reason="消防检查"
    )
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9))
    assert errors_of(excinfo)["starts_at"] == ["This time is blocked: 消防检查."]
    block.overriders.add(cast.liu)
    assert book(cast.liu, room, local(2, 9)).status == Booking.Status.APPROVED


def test_the_weekly_household_quota_is_enforced(cast, room):
    room.weekly_quota_household_minutes = 120
    room.save()
    book(cast.liu, room, local(2, 9), local(2, 10, 30))
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 14), local(2, 15))
    assert "weekly quota" in errors_of(excinfo)["ends_at"][0]
    assert Booking.objects.count() == 1


def test_a_taken_slot_is_refused_as_slot_taken(cast, room):
    book(cast.worker, room, local(2, 9), local(2, 11))
    with pytest.raises(SlotTaken) as excinfo:
        book(cast.liu, room, local(2, 10), local(2, 11))
    assert "already booked" in errors_of(excinfo)["starts_at"][0]
    assert Booking.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only"
)
def test_a_race_lost_at_the_exclusion_constraint_is_slot_taken_not_a_server_error(
    cast, room, monkeypatch
):
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    # Pretend the check ran before the other booking was committed.
    monkeypatch.setattr(services, "_slot_problem", lambda *a, **k: None)
    with pytest.raises(SlotTaken) as excinfo:
        book(cast.liu, room, local(2, 9, 30))
    assert "taken a moment ago" in errors_of(excinfo)["starts_at"][0]
    assert Booking.objects.count() == 1


def test_an_outsider_cannot_book(cast, room):
    with pytest.raises(PermissionDenied):
        book(cast.outsider, room, local(2, 9))


def test_a_resident_outside_the_reach_cannot_book(cast, world, room):
    neighbour = UserFactory(resident=world.other_resident)  # lives in 金龙社区
    assign(neighbour, Role.RESIDENT, world.jindu)
    with pytest.raises(PermissionDenied):
        book(neighbour, room, local(2, 9))
    room.reach = Space.Reach.STREET
    room.save()
    assert book(neighbour, room, local(2, 9)).booker == neighbour


def test_a_space_closed_to_residents_refuses_them(cast, room):
    room.bookable_by_residents = False
    room.save()
    with pytest.raises(SpaceError) as excinfo:
        book(cast.liu, room, local(2, 9))
    assert "not open to you" in errors_of(excinfo)["__all__"][0]


def test_a_volunteer_cannot_book_on_someone_elses_behalf(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        book(cast.volunteer, room, local(2, 9), booker=cast.liu)
    assert "booker" in errors_of(excinfo)


# --- approval --------------------------------------------------------------------------------


@pytest.fixture
def hall(world, room):
    """A deliberation hall whose bookings need approval."""
    space = SpaceFactory(
        name="居民议事厅",
        kind=Space.Kind.DELIBERATION,
        community=world.sanjiang,
        capacity=40,
        approval_required=True,
    )
    return open_every_day(space)


def test_requests_may_compete_and_approving_one_rejects_the_others_with_a_reason(
    cast, world, hall, django_capture_on_commit_callbacks
):
    neighbour = UserFactory()
    assign(neighbour, Role.RESIDENT, world.eton)
    first = book(cast.liu, hall, local(3, 9), local(3, 11))
    second = book(neighbour, hall, local(3, 10), local(3, 12))
    assert first.status == second.status == Booking.Status.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_approve(actor=cast.worker, booking=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Booking.Status.APPROVED and first.decided_by == cast.worker
    assert second.status == Booking.Status.REJECTED
    assert second.decision_reason == "Another request for this time was approved."
    kinds = set(Notification.objects.values_list("recipient__pk", "kind"))
    assert (cast.liu.pk, "booking_approved") in kinds
    assert (neighbour.pk, "booking_rejected") in kinds


def test_a_request_cannot_overlap_a_confirmed_booking(cast, hall):
    services.booking_create(
        actor=cast.worker,
        space=hall,
        starts_at=local(3, 9),
        ends_at=local(3, 11),
        purpose="议事会",
        attendees=20,
    )
    with pytest.raises(SlotTaken):
        book(cast.liu, hall, local(3, 10))


def test_approving_a_request_that_lost_its_slot_is_refused(cast, hall):
    request = book(cast.liu, hall, local(3, 9))
    BookingFactory(space=hall, starts_at=local(3, 9), ends_at=local(3, 10))
    with pytest.raises(SlotTaken):
        services.booking_approve(actor=cast.worker, booking=request)
    request.refresh_from_db()
    assert request.status == Booking.Status.REQUESTED


def test_only_managers_and_named_approvers_approve(cast, hall):
    request = book(cast.liu, hall, local(3, 9))
    for outsider in (cast.liu, cast.volunteer, cast.other_worker, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.booking_approve(actor=outsider, booking=request)
    hall.approvers.add(cast.volunteer)
    services.booking_approve(actor=cast.volunteer, booking=request)


def test_a_rejection_needs_a_reason_and_a_decided_request_cannot_be_decided_again(cast, hall):
    request = book(cast.liu, hall, local(3, 9))
    with pytest.raises(SpaceError) as excinfo:
        services.booking_reject(actor=cast.worker, booking=request, reason="  ")
    assert "reason" in errors_of(excinfo)
    services.booking_reject(actor=cast.worker, booking=request, reason="场地维修")
    with pytest.raises(SpaceError):
        services.booking_approve(actor=cast.worker, booking=request)
    request.refresh_from_db()
    assert request.status == Booking.Status.REJECTED and request.decision_reason == "场地维修"


# --- cancel, check-in, release --------------------------------------------------------------


def test_the_booker_cancels_and_the_slot_is_offered_to_the_waiting_list(
    cast, world, room, django_capture_on_commit_callbacks
):
    booking = book(cast.liu, room, local(2, 9))
    waiting = UserFactory()
    assign(waiting, Role.RESIDENT, world.eton)
    entry = services.waitlist_join(
        actor=waiting,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="下棋",
        attendees=2,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=cast.liu, booking=booking)
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED
    assert Notification.objects.filter(recipient=waiting, kind="waitlist_offer").exists()
    claimed = services.waitlist_claim(actor=waiting, entry=entry)
    assert claimed.booker == waiting and claimed.status == Booking.Status.APPROVED
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.CLAIMED and entry.booking == claimed


def test_an_offered_slot_is_held_for_the_waiting_person(cast, world, room):
    booking = book(cast.liu, room, local(2, 9))
    waiting = UserFactory()
    assign(waiting, Role.RESIDENT, world.eton)
    services.waitlist_join(
        actor=waiting,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="下棋",
        attendees=2,
    )
    services.booking_cancel(actor=cast.liu, booking=booking)
    with pytest.raises(SpaceError) as excinfo:
        book(cast.worker, room, local(2, 9))
    assert "offered to someone on the waiting list" in errors_of(excinfo)["starts_at"][0]


def test_joining_the_waiting_list_for_a_free_slot_is_refused(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        services.waitlist_join(
            actor=cast.liu,
            space=room,
            starts_at=local(2, 9),
            ends_at=local(2, 10),
            purpose="x",
            attendees=1,
        )
    assert errors_of(excinfo)["starts_at"] == ["This time is free: book it directly."]


def test_an_expired_offer_passes_to_the_next_in_line(cast, world, room):
    booking = book(cast.liu, room, local(2, 9))
    first, second = UserFactory(), UserFactory()
    for u in (first, second):
        assign(u, Role.RESIDENT, world.eton)
    e1 = services.waitlist_join(
        actor=first,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="a",
        attendees=1,
    )
    e2 = services.waitlist_join(
        actor=second,
        space=room,
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        purpose="b",
        attendees=1,
    )
    services.booking_cancel(actor=cast.liu, booking=booking)
    e1.refresh_from_db()
    assert e1.state == WaitlistEntry.State.OFFERED
    assert services.waitlist_expire_offer(entry_id=e1.pk) is None  # not yet due: stale task
    WaitlistEntry.objects.filter(pk=e1.pk).update(offer_expires_at=timezone.now())
    services.waitlist_expire_offer(entry_id=e1.pk)
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert e1.state == WaitlistEntry.State.EXPIRED and e2.state == WaitlistEntry.State.OFFERED


def test_a_started_booking_can_be_cancelled_by_staff_only(
    cast, room, django_capture_on_commit_callbacks
):
    booking = BookingFactory(
        space=room,
        booker=cast.liu,
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        ends_at=timezone.now() + dt.timedelta(minutes=55),
    )
    with pytest.raises(SpaceError):
        services.booking_cancel(actor=cast.liu, booking=booking)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=cast.worker, booking=booking, reason="停电")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Notification.objects.get(recipient=cast.liu).kind == "booking_cancelled"


def _due(room, booker, minutes_from_now, length=60):
    start = timezone.now() + dt.timedelta(minutes=minutes_from_now)
    return BookingFactory(
        space=room, booker=booker, starts_at=start, ends_at=start + dt.timedelta(minutes=length)
    )


def test_check_in_at_the_door_within_the_window(cast, room):
    booking = _due(room, cast.liu, 10)
    checked = services.booking_check_in_at_door(actor=cast.liu, door_token=room.door_token)
    assert checked.pk == booking.pk and checked.status == Booking.Status.CHECKED_IN
    assert checked.checked_in_by == cast.liu


def test_check_in_too_early_too_late_or_without_the_door_code_is_refused(cast, room):
    early = _due(room, cast.liu, 60)
    with pytest.raises(SpaceError) as excinfo:
        services.booking_check_in(actor=cast.liu, booking=early, door_token=room.door_token)
    assert "Check-in opens 15 minutes before" in excinfo.value.messages[0]
    late = _due(room, cast.liu, -20, length=15)  # grace 15 minutes
    with pytest.raises(SpaceError) as excinfo:
        services.booking_check_in(actor=cast.liu, booking=late, door_token=room.door_token)
    assert "Check-in closed" in excinfo.value.messages[0]
    now = _due(room, cast.liu, 150)
    Booking.objects.filter(pk=now.pk).update(
        starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(minutes=30)
    )
    now.refresh_from_db()
    with pytest.raises(SpaceError) as excinfo:
        services.booking_check_in(actor=cast.liu, booking=now, door_token="wrong")
    assert "door_token" in errors_of(excinfo)


def test_staff_check_in_on_behalf_without_a_code(cast, room):
    booking = _due(room, cast.liu, -20, length=25)
    services.booking_check_in(actor=cast.worker, booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN and booking.checked_in_by == cast.worker
    with pytest.raises(PermissionDenied):
        services.booking_check_in(actor=cast.volunteer, booking=_due(room, cast.liu, 5))


def test_door_check_in_with_nothing_due_says_so(cast, room):
    _due(room, cast.liu, 180)
    with pytest.raises(SpaceError) as excinfo:
        services.booking_check_in_at_door(actor=cast.liu, door_token=room.door_token)
    assert "Your next booking here starts" in excinfo.value.messages[0]


def test_a_no_show_is_released_after_the_grace_period_and_offered(cast, world, room):
    booking = _due(room, cast.liu, -20)
    waiting = UserFactory()
    assign(waiting, Role.RESIDENT, world.eton)
    entry = WaitlistEntry.objects.create(
        space=room,
        user=waiting,
        starts_at=booking.starts_at + dt.timedelta(minutes=30),
        ends_at=booking.ends_at,
        purpose="下棋",
        attendees=2,
    )
    released = services.booking_release_no_show(booking_id=booking.pk)
    assert released is not None and released.status == Booking.Status.NO_SHOW
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED
    assert services.booking_release_no_show(booking_id=booking.pk) is None  # stale: done


def test_a_checked_in_or_not_yet_late_booking_is_not_released(cast, room):
    on_time = _due(room, cast.liu, -5)
    assert services.booking_release_no_show(booking_id=on_time.pk) is None
    services.booking_check_in(actor=cast.worker, booking=on_time)
    Booking.objects.filter(pk=on_time.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    assert services.booking_release_no_show(booking_id=on_time.pk) is None
    on_time.refresh_from_db()
    assert on_time.status == Booking.Status.CHECKED_IN


# --- series ----------------------------------------------------------------------------------


def _monday_in(weeks: int = 1) -> dt.datetime:
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 * weeks - today.weekday())
    return dt.datetime.combine(monday, dt.time(9), tzinfo=timezone.get_current_timezone())


def series(actor, space, rule, **kw):
    kw.setdefault("first_starts_at", _monday_in())
    kw.setdefault("duration_minutes", 120)
    kw.setdefault("purpose", "刘大爷下棋")
    kw.setdefault("attendees", 4)
    return services.booking_series_create(actor=actor, space=space, rrule=rule, **kw)


def test_weekday_chess_is_booked_as_a_series(cast, room):
    result = series(cast.liu, room, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10")
    assert len(result.bookings) == 10 and not result.skipped
    starts = [timezone.localtime(b.starts_at) for b in result.bookings]
    assert {s.weekday() for s in starts} == {0, 1, 2, 3, 4}
    assert all(s.hour == 9 for s in starts)
    assert Booking.objects.filter(series=result.series).count() == 10


def test_a_series_skips_clashing_dates_and_reports_them(cast, room):
    first = _monday_in()
    BookingFactory(
        space=room,
        starts_at=first + dt.timedelta(days=1),
        ends_at=first + dt.timedelta(days=1, hours=1),
    )
    OpeningException.objects.create(
        space=room, date=(first + dt.timedelta(days=2)).date(), reason="holiday"
    )
    result = series(cast.liu, room, "FREQ=DAILY;COUNT=5", first_starts_at=first)
    assert [s.reason for s in result.skipped] == ["taken", "closed"]
    assert len(result.bookings) == 3
    assert [s["reason"] for s in result.series.skipped] == ["taken", "closed"]


def test_a_series_without_skipping_fails_whole_listing_the_clashes(cast, room):
    first = _monday_in()
    BookingFactory(
        space=room,
        starts_at=first + dt.timedelta(days=1),
        ends_at=first + dt.timedelta(days=1, hours=1),
    )
    with pytest.raises(SpaceError) as excinfo:
        series(cast.liu, room, "FREQ=DAILY;COUNT=5", first_starts_at=first, skip_clashes=False)
    messages = errors_of(excinfo)["rrule"]
    assert messages[0] == "These dates cannot be booked:" and len(messages) == 2
    assert not BookingSeries.objects.exists() and Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=DAILY", "must end"),
        ("FREQ=DAILY;COUNT=5000", "more than 366 dates"),
        ("FREQ=WEEKLY;COUNT=20", "beyond how far ahead"),
        ("FREQ=DAILY;UNTIL=20991231", "more than 366 dates"),
        ("FREQ=MINUTELY;COUNT=5", "not more often"),
        ("EVERY DAY", "cannot be read"),
        ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", "no dates"),
    ],
)
def test_a_rule_that_never_ends_or_gives_too_many_dates_is_refused_and_nothing_saved(
    cast, room, rule, words
):
    with pytest.raises(SpaceError) as excinfo:
        series(cast.liu, room, rule)
    assert words in errors_of(excinfo)["rrule"][0]
    assert not BookingSeries.objects.exists() and not Booking.objects.exists()


def test_a_series_respects_the_weekly_quota(cast, room):
    room.weekly_quota_household_minutes = 240
    room.save()
    result = series(cast.liu, room, "FREQ=DAILY;COUNT=4")
    assert len(result.bookings) == 2 and [s.reason for s in result.skipped] == ["quota", "quota"]


# --- spaces ----------------------------------------------------------------------------------


def _data(world, **kw):
    base = dict(name="阅读吧", kind=Space.Kind.READING_BAR, community=world.sanjiang, capacity=12)
    base.update(kw)
    return services.SpaceData(**base)


def test_a_worker_creates_a_space_in_their_community_and_it_is_audited(cast, world):
    space = services.space_create(actor=cast.worker, data=_data(world, amenities=["books", "tea"]))
    assert space.community == world.sanjiang and space.amenities == ["books", "tea"]
    assert AuditEntry.objects.filter(object_uuid=str(space.uuid), action="create").exists()


def test_a_space_outside_the_workers_community_is_refused(cast, world):
    with pytest.raises(SpaceError) as excinfo:
        services.space_create(actor=cast.worker, data=_data(world, community=world.jinlong))
    assert "outside the area" in errors_of(excinfo)["community"][0]
    assert not Space.objects.exists()


def test_bad_space_data_is_refused_field_by_field(cast, world):
    data = _data(
        world,
        name=" ",
        capacity=0,
        min_booking_minutes=60,
        max_booking_minutes=30,
        compound=world.jindu,
        amenities=["jacuzzi"],
    )
    with pytest.raises(SpaceError) as excinfo:
        services.space_create(actor=cast.worker, data=data)
    assert {"name", "capacity", "max_booking_minutes", "compound", "amenities"} <= set(
        errors_of(excinfo)
    )


def test_opening_hours_are_replaced_and_overlaps_refused(cast, room):
    with pytest.raises(SpaceError) as excinfo:
        services.opening_hours_set(
            actor=cast.worker,
            space=room,
            windows=[(0, dt.time(8), dt.time(12)), (0, dt.time(11), dt.time(14))],
        )
    assert "overlap" in errors_of(excinfo)["opening_hours"][0]
    assert room.opening_hours.count() == 7
    services.opening_hours_set(
        actor=cast.worker, space=room, windows=[(0, dt.time(8), dt.time(12))]
    )
    assert list(room.opening_hours.values_list("weekday", flat=True)) == [0]


def test_rotating_the_door_token_invalidates_the_old_code(cast, room):
    old = room.door_token
    services.space_rotate_tokens(actor=cast.worker, space=room, door=True)
    assert room.door_token != old
    with pytest.raises(PermissionDenied):
        services.space_rotate_tokens(actor=cast.liu, space=room, door=True)


def test_the_personal_feed_token_is_stable_until_rotated(cast):
    token = services.personal_feed_token(user=cast.liu)
    assert services.personal_feed_token(user=cast.liu) == token
    assert services.personal_feed_rotate(actor=cast.liu) != token


# --- my data ---------------------------------------------------------------------------------


def test_my_data_lists_my_bookings_and_waiting_list_entries_only(cast, world, room):
    from silin.core import personal_data as pd

    mine = book(cast.liu, room, local(2, 9))
    book(cast.worker, room, local(2, 11))
    services.booking_cancel(actor=cast.liu, booking=mine)
    sections = {s.key: s for s in pd.collect(pd.Subject(user=cast.liu, resident=world.liu))}
    bookings = sections["spaces.bookings"]
    assert [r.title for r in bookings.records] == ["棋牌室"]
    assert ("Status", "Cancelled") in bookings.records[0].fields
    assert sections["spaces.waitlist"].records == []
    assert "notifications.notices" in sections


# --- back office -----------------------------------------------------------------------------


def test_the_back_office_saves_a_space_through_the_audited_service(world, admin_client):
    response = admin_client.post(
        "/admin/spaces/space/add/",
        {
            "name": "阅览室",
            "kind": "reading_bar",
            "community": world.sanjiang.pk,
            "capacity": 10,
            "amenities": "[]",
            "active": "on",
            "bookable_by_residents": "on",
            "book_ahead_days": 30,
            "min_booking_minutes": 30,
            "max_booking_minutes": 120,
            "check_in_grace_minutes": 15,
            "reach": "community",
            **{
                f"{prefix}-{k}": v
                for prefix in ("opening_hours", "exceptions", "blocked_periods")
                for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    space = Space.objects.get(name="阅览室")
    assert AuditEntry.objects.filter(object_uuid=str(space.uuid), action="create").exists()
    for path in ("/admin/spaces/space/", "/admin/spaces/booking/", "/admin/spaces/waitlistentry/"):
        assert admin_client.get(path).status_code == 200


# --- availability (selectors) ----------------------------------------------------------------


def test_availability_of_a_month_takes_two_queries(cast, room, django_assert_num_queries):
    from silin.spaces.selectors import availability

    for day in range(1, 29, 3):
        BookingFactory(space=room, booker=cast.liu, starts_at=local(day, 9), ends_at=local(day, 10))
    BlockedPeriodFactory(space=room, starts_at=local(5, 13), ends_at=local(5, 15), reason="维修")
    OpeningException.objects.create(space=room, date=local(7, 0).date(), reason="holiday")
    with django_assert_num_queries(2):
        intervals = availability(space=room, starts_at=local(1, 0), ends_at=local(31, 0))
    assert sum(i.state == "taken" for i in intervals) == 9  # day 7 is closed: closed wins
    assert [i.reason for i in intervals if i.state == "blocked"] == ["维修"]
    closed_all_day = [i for i in intervals if i.state == "closed" and i.minutes > 24 * 60]
    assert len(closed_all_day) == 1  # 21:00 the day before until 08:00 the day after
    assert all(a.ends_at == b.starts_at for a, b in zip(intervals, intervals[1:], strict=False))
    assert intervals[0].starts_at == local(1, 0) and intervals[-1].ends_at == local(31, 0)


def test_the_directory_filters_open_now_and_free_at_a_time(cast, world, room, clock):
    from silin.spaces.selectors import SpaceFilters, space_list_for

    closed = SpaceFactory(name="夜间关闭", community=world.sanjiang, capacity=5)
    open_every_day(closed, dt.time(8), dt.time(8, 30))
    BookingFactory(space=room, starts_at=local(2, 9), ends_at=local(2, 10))
    free = SpaceFilters(free_from=local(2, 9, 30), free_until=local(2, 10))
    assert list(space_list_for(actor=cast.liu, filters=free)) == []
    later = SpaceFilters(free_from=local(2, 10), free_until=local(2, 11))
    assert list(space_list_for(actor=cast.liu, filters=later)) == [room]
    open_now = SpaceFilters(open_now=True)
    clock.move_to(12)
    assert list(space_list_for(actor=cast.liu, filters=open_now)) == [room]
    clock.move_to(21, 30)
    assert list(space_list_for(actor=cast.liu, filters=open_now)) == []


# --- recurrence (silin.lib.recurrence) -------------------------------------------------------


def test_first_saturday_of_each_month_keeps_its_local_time():
    from zoneinfo import ZoneInfo

    from silin.lib import recurrence

    tz = ZoneInfo("Asia/Shanghai")
    first = dt.datetime(2030, 1, 1, 14, 30, tzinfo=tz)
    starts = recurrence.expand("RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=3", first_start=first, tz=tz)
    assert [(s.month, s.day, s.hour, s.minute) for s in starts] == [
        (1, 5, 14, 30),
        (2, 2, 14, 30),
        (3, 2, 14, 30),
    ]


def test_an_until_in_utc_is_read_in_local_time():
    from zoneinfo import ZoneInfo

    from silin.lib import recurrence

    tz = ZoneInfo("Asia/Shanghai")
    first = dt.datetime(2030, 1, 1, 9, tzinfo=tz)
    # 02:00 UTC on the 3rd is 10:00 in Shanghai: the 3rd at 09:00 is still included.
    starts = recurrence.expand("FREQ=DAILY;UNTIL=20300103T020000Z", first_start=first, tz=tz)
    assert [s.day for s in starts] == [1, 2, 3]
    count, until = recurrence.bounds("FREQ=DAILY;UNTIL=20300103", first_start=first, tz=tz)
    assert count is None and until == dt.datetime(2030, 1, 3, 23, 59, 59, tzinfo=tz)
