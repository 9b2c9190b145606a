"""Service records: check-in and check-out, the coverage rule, confirmation by the person
helped (or their proxy, or a coordinator), rejection with a reason, and auto-acceptance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from silin.accounts.tests.factories import UserFactory
from silin.core.models import AuditEntry
from silin.mutualaid.models import HelpRequest, ServiceRecord, Transfer
from silin.mutualaid.services import notices, records
from silin.mutualaid.services.common import MutualAidError
from silin.mutualaid.tests.test_ledger import balance, books_balance, make_helper, make_request
from silin.notifications import kinds
from silin.notifications.models import Notification
from silin.people.models import ActingUser, ProxyLink

S = ServiceRecord.State
R = HelpRequest.State
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def now(clock):
    return clock.move_to(10)


@pytest.fixture
def helper(world):
    return make_helper(world)


@pytest.fixture
def kinds_registered():
    notices.register_kinds()


@pytest.fixture
def request_(world, helper, now):
    return make_request(world, helper, now=now, agreed=60)


def checked_in(helper, request_, now):
    return records.service_check_in(actor=helper.user, request=request_, now=now)


def checked_out(helper, request_, now, *, after: int = 60, claimed=None):
    record = checked_in(helper, request_, now)
    return records.service_check_out(
        actor=helper.user, record=record, claimed_minutes=claimed, now=now + after * MINUTE
    )


def sent(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


# --- check in --------------------------------------------------------------------------------


def test_the_matched_helper_checks_in(helper, request_, now):
    record = checked_in(helper, request_, now)

    request_.refresh_from_db()
    assert request_.state == R.IN_PROGRESS
    assert (record.state, record.checked_in_at, record.checked_in_by) == (
        S.STARTED,
        now,
        helper.user,
    )
    assert (record.recipient, record.agreed_minutes) == (request_.requester, 60)
    assert AuditEntry.objects.filter(detail="mutualaid.service_check_in").exists()


def test_a_second_check_in_is_refused(helper, request_, now):
    checked_in(helper, request_, now)
    with pytest.raises(MutualAidError, match="already checked in"):
        checked_in(helper, request_, now + MINUTE)
    assert ServiceRecord.objects.count() == 1


@pytest.mark.parametrize("state", [R.OPEN, R.PROPOSED, R.DONE, R.CANCELLED])
def test_only_an_accepted_request_is_checked_in(world, helper, now, state):
    request = make_request(world, helper, now=now, state=state)
    with pytest.raises(MutualAidError):
        checked_in(helper, request, now)
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "liu", "other_worker", "volunteer"])
def test_no_one_else_checks_in(world, cast, helper, request_, now, who):
    with pytest.raises(MutualAidError, match="Only the helper"):
        records.service_check_in(actor=getattr(cast, who), request=request_, now=now)
    other = make_helper(world, "别的志愿者")
    with pytest.raises(MutualAidError, match="Only the helper"):
        records.service_check_in(actor=other.user, request=request_, now=now)
    request_.refresh_from_db()
    assert request_.state == R.ACCEPTED


def test_a_coordinator_checks_in_and_out_for_a_helper_without_a_phone(world, cast, now):
    phoneless = make_helper(world, "李叔", user=False)
    request = make_request(world, phoneless, now=now)
    record = records.service_check_in(actor=cast.worker, request=request, now=now)
    record = records.service_check_out(actor=cast.worker, record=record, now=now + 70 * MINUTE)
    assert (record.state, record.claimed_minutes, record.checked_in_by) == (
        S.PENDING,
        60,
        cast.worker,
    )


# --- check out -------------------------------------------------------------------------------


def test_check_out_claims_the_agreed_time_and_asks_the_recipient_to_confirm(
    cast, helper, request_, now, kinds_registered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = checked_out(helper, request_, now, after=75)

    request_.refresh_from_db()
    assert request_.state == R.DONE
    assert (record.state, record.claimed_minutes) == (S.PENDING, 60)
    assert record.checked_out_at == now + 75 * MINUTE
    [notice] = sent(cast.liu, "mutualaid_confirm_service")
    assert notice.params["helper"] == "唐丽"
    assert notice.params["minutes"] == 60
    rendered = kinds.render(notice.kind, notice.params)
    assert "Please confirm 唐丽's help: Shopping" in rendered.title
    assert "1 hour" in rendered.body


def test_the_default_claim_is_capped_by_the_time_really_spent(helper, request_, now):
    record = checked_out(helper, request_, now, after=50)
    assert (record.state, record.claimed_minutes) == (S.PENDING, 50)


def test_a_smaller_claim_is_kept(helper, request_, now):
    record = checked_out(helper, request_, now, after=60, claimed=40)
    assert record.claimed_minutes == 40


@pytest.mark.parametrize("claimed", [0, -10, 61, True])
def test_a_claim_at_or_below_zero_or_longer_than_the_service_is_refused(
    helper, request_, now, claimed
):
    record = checked_in(helper, request_, now)
    with pytest.raises(MutualAidError) as refused:
        records.service_check_out(
            actor=helper.user, record=record, claimed_minutes=claimed, now=now + 60 * MINUTE
        )
    assert "claimed_minutes" in refused.value.message_dict
    record.refresh_from_db()
    request_.refresh_from_db()
    assert (record.state, record.checked_out_at, request_.state) == (S.STARTED, None, R.IN_PROGRESS)


def test_hours_longer_than_the_service_name_the_time_spent(helper, request_, now):
    record = checked_in(helper, request_, now)
    with pytest.raises(MutualAidError, match="longer than the service: 1 h 30 min"):
        records.service_check_out(
            actor=helper.user, record=record, claimed_minutes=120, now=now + 90 * MINUTE
        )


def test_check_out_before_check_in_or_twice_is_refused(helper, request_, now):
    record = checked_in(helper, request_, now)
    with pytest.raises(MutualAidError, match="after check-in"):
        records.service_check_out(actor=helper.user, record=record, now=now)
    records.service_check_out(actor=helper.user, record=record, now=now + 60 * MINUTE)
    with pytest.raises(MutualAidError, match="already checked out"):
        records.service_check_out(actor=helper.user, record=record, now=now + 61 * MINUTE)


def test_a_service_covering_less_than_sixty_percent_is_recorded_but_not_counted(
    cast, helper, request_, now, kinds_registered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = checked_out(helper, request_, now, after=35)  # 35 of 60 agreed minutes

    request_.refresh_from_db()
    assert request_.state == R.DONE
    assert (record.state, record.reject_reason, record.claimed_minutes) == (
        S.REJECTED,
        records.COVERAGE,
        35,
    )
    [notice] = sent(helper.user, "mutualaid_service_not_counted")
    assert "60%" in kinds.render(notice.kind, notice.params).body
    assert not Notification.objects.filter(kind="mutualaid_confirm_service").exists()
    with pytest.raises(MutualAidError, match="was not confirmed"):
        records.service_confirm(actor=cast.liu, record=record, now=now)
    assert not Transfer.objects.exists()


def test_exactly_sixty_percent_counts(helper, request_, now):
    assert checked_out(helper, request_, now, after=36).state == S.PENDING


def test_check_out_queues_the_auto_acceptance_for_its_due_day(
    helper, request_, now, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.SILIN_MUTUALAID_AUTO_ACCEPT_DAYS = 3
    queued = []
    monkeypatch.setattr(records, "enqueue_at", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        record = checked_out(helper, request_, now)
    assert queued == [
        (records.service_auto_accept_task, now + 60 * MINUTE + dt.timedelta(days=3), record.pk)
    ]


def test_a_weekly_request_comes_again_once_done(world, helper, now):
    request = make_request(world, helper, now=now)
    request.repeats_weekly = True
    request.save(update_fields=["repeats_weekly"])
    checked_out(helper, request, now)
    following = HelpRequest.objects.get(previous=request)
    assert following.window_start == request.window_start + dt.timedelta(days=7)


# --- confirmation ----------------------------------------------------------------------------


def test_the_recipient_confirms_and_the_hours_are_credited_at_once(cast, helper, request_, now):
    record = checked_out(helper, request_, now)

    record = records.service_confirm(actor=cast.liu, record=record, now=now + 2 * MINUTE * 60)

    assert (record.state, record.decided_by, record.auto_accepted) == (S.COMMITTED, cast.liu, False)
    assert balance(helper.resident) == 60
    assert Transfer.objects.get().service == record
    books_balance()


def test_a_family_proxy_confirms_for_the_recipient(cast, helper, request_, now):
    daughter = UserFactory(name="刘女儿")
    link = ProxyLink.objects.create(
        principal=cast.liu,
        proxy=daughter,
        relation=ProxyLink.Relation.DAUGHTER,
        powers=["ask_help"],
        state=ProxyLink.State.ACTIVE,
        consent_method=ProxyLink.ConsentMethod.OWN_PHONE,
    )
    record = checked_out(helper, request_, now)
    with pytest.raises(MutualAidError, match="a service you received"):
        records.service_confirm(actor=daughter, record=record, now=now)  # as herself
    records.service_confirm(actor=ActingUser.for_link(link, daughter), record=record, now=now)
    assert balance(helper.resident) == 60


def test_a_coordinator_confirms_for_a_recipient_without_a_phone(cast, helper, request_, now):
    record = checked_out(helper, request_, now)
    assert records.service_confirm(actor=cast.worker, record=record, now=now).state == S.COMMITTED


@pytest.mark.parametrize("who", ["outsider", "other_worker", "volunteer", "grid_member"])
def test_confirming_someone_elses_service_is_refused(cast, helper, request_, now, who):
    record = checked_out(helper, request_, now)
    with pytest.raises(MutualAidError, match="You can only confirm a service you received"):
        records.service_confirm(actor=getattr(cast, who), record=record, now=now)
    record.refresh_from_db()
    assert record.state == S.PENDING
    assert balance(helper.resident) == 0


def test_the_helper_cannot_confirm_their_own_service(helper, request_, now):
    record = checked_out(helper, request_, now)
    with pytest.raises(MutualAidError, match="a service you gave"):
        records.service_confirm(actor=helper.user, record=record, now=now)


def test_a_service_is_confirmed_once(cast, helper, request_, now):
    record = checked_out(helper, request_, now)
    records.service_confirm(actor=cast.liu, record=record, now=now)
    with pytest.raises(MutualAidError, match="already been confirmed"):
        records.service_confirm(actor=cast.worker, record=record, now=now)
    assert balance(helper.resident) == 60


def test_a_service_still_in_progress_is_not_confirmed(cast, helper, request_, now):
    record = checked_in(helper, request_, now)
    with pytest.raises(MutualAidError, match="not checked out"):
        records.service_confirm(actor=cast.liu, record=record, now=now)


# --- rejection -------------------------------------------------------------------------------


def test_the_recipient_rejects_with_a_reason_the_helper_is_told(
    cast, helper, request_, now, kinds_registered, django_capture_on_commit_callbacks
):
    record = checked_out(helper, request_, now)
    with django_capture_on_commit_callbacks(execute=True):
        record = records.service_reject(
            actor=cast.liu, record=record, reason=" 只来了十分钟\u200b\n", now=now
        )

    assert (record.state, record.reject_reason, record.decided_by) == (
        S.REJECTED,
        "只来了十分钟",
        cast.liu,
    )
    [notice] = sent(helper.user, "mutualaid_service_rejected")
    assert kinds.render(notice.kind, notice.params).body == "Reason: 只来了十分钟"
    with pytest.raises(MutualAidError):
        records.service_confirm(actor=cast.liu, record=record, now=now)
    assert not Transfer.objects.exists()


def test_a_rejection_needs_a_reason_and_the_right_person(cast, helper, request_, now):
    record = checked_out(helper, request_, now)
    with pytest.raises(MutualAidError) as refused:
        records.service_reject(actor=cast.liu, record=record, reason=" \u200b ", now=now)
    assert "reason" in refused.value.message_dict
    with pytest.raises(MutualAidError):
        records.service_reject(actor=cast.outsider, record=record, reason="不对", now=now)
    record.refresh_from_db()
    assert record.state == S.PENDING


# --- auto-acceptance -------------------------------------------------------------------------


def test_a_pending_service_is_accepted_by_itself_after_the_set_days(
    cast, helper, request_, now, settings, kinds_registered, django_capture_on_commit_callbacks
):
    settings.SILIN_MUTUALAID_AUTO_ACCEPT_DAYS = 5
    record = checked_out(helper, request_, now)
    out = record.checked_out_at

    assert not records.service_auto_accept(record_id=record.pk, now=out + dt.timedelta(days=4))
    assert records.services_auto_accept(now=out + dt.timedelta(days=4)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert records.services_auto_accept(now=out + dt.timedelta(days=5)) == 1

    record.refresh_from_db()
    assert (record.state, record.auto_accepted, record.decided_by) == (S.COMMITTED, True, None)
    assert balance(helper.resident) == 60
    assert sent(cast.liu, "mutualaid_service_auto_accepted")
    assert not records.service_auto_accept(record_id=record.pk, now=out + dt.timedelta(days=9))
    assert balance(helper.resident) == 60
    books_balance()


def test_the_default_wait_is_seven_days(helper, request_, now, settings):
    del settings.SILIN_MUTUALAID_AUTO_ACCEPT_DAYS
    record = checked_out(helper, request_, now)
    out = record.checked_out_at
    assert not records.service_auto_accept(record_id=record.pk, now=out + dt.timedelta(days=6))
    assert records.service_auto_accept(record_id=record.pk, now=out + dt.timedelta(days=7))


def test_a_confirmed_or_rejected_service_is_left_alone_by_the_auto_acceptance(
    cast, helper, request_, now
):
    record = checked_out(helper, request_, now)
    records.service_reject(actor=cast.liu, record=record, reason="没来", now=now)
    later = now + dt.timedelta(days=30)
    assert records.services_auto_accept(now=later) == 0
    assert not records.service_auto_accept(record_id=record.pk, now=later)
    assert not records.service_auto_accept(record_id=10**9, now=later)
    assert balance(helper.resident) == 0
