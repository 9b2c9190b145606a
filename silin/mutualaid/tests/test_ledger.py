"""The time bank's services: accounts, credits over the cap, donations, family transfers,
redemptions, corrections, statements and certificates. The small factories at the top are
shared by the other ledger and record tests."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone, translation

from silin.accounts.tests.factories import UserFactory
from silin.core.models import AuditEntry
from silin.lib.dates import birth_date_for_age
from silin.mutualaid import certificates, selectors_ledger
from silin.mutualaid.models import (
    Account,
    Certificate,
    HelperProfile,
    HelpRequest,
    Movement,
    ServiceRecord,
    Transfer,
)
from silin.mutualaid.models.ledger import STORAGE_CAP_MINUTES
from silin.mutualaid.services import ledger, notices, records
from silin.mutualaid.services.common import MutualAidError
from silin.notifications.models import Notification
from silin.people.models import ActingUser, ProxyLink, Resident
from silin.people.tests.factories import ResidentFactory
from silin.places.tests.factories import HouseholdFactory

K = Account.Kind
T = Transfer.Kind

# --- factories (shared with test_records, test_ledger_property, test_ledger_race) -----------


def aged(age: int) -> dt.date:
    return birth_date_for_age(age, today=timezone.localdate())


def person(household, name: str, *, age: int = 65, relation: str = "head", user: bool = False):
    resident = ResidentFactory(
        name=name, birth_date=aged(age), household=household, relation=relation
    )
    if user:
        UserFactory(name=name, resident=resident)
    return resident


def login_of(resident: Resident):
    return notices.account_of(resident)


def make_helper(world, name: str = "唐丽", *, household=None, user: bool = True, age: int = 65):
    """A verified helper living in 刘大爷's unit (唐丽 next door, at 202)."""
    door = {"door": "202"} if name == "唐丽" else {}
    household = household or HouseholdFactory(unit=world.tuoyuan_unit, floor=2, **door)
    resident = person(household, name, age=age, user=user)
    return HelperProfile.objects.create(
        resident=resident,
        community=resident.community,
        user=login_of(resident) if user else None,
        skills=["shopping"],
        verified_at=timezone.now(),
    )


def make_request(world, helper, *, now, requester=None, agreed: int = 60, state="accepted"):
    requester = requester or world.liu
    return HelpRequest.objects.create(
        requester=requester,
        household=requester.household,
        community=requester.community,
        kind="shopping",
        window_start=now - dt.timedelta(hours=1),
        window_end=now + dt.timedelta(hours=3),
        agreed_minutes=agreed,
        state=state,
        helper=helper,
        state_changed_at=now,
    )


def make_record(world, helper, *, now, claimed: int = 60, requester=None, state="pending"):
    """A service checked out at `now`, `claimed` minutes after its check-in."""
    request = make_request(
        world, helper, now=now, requester=requester, agreed=min(claimed, 480), state="done"
    )
    return ServiceRecord.objects.create(
        request=request,
        helper=helper,
        recipient=request.requester,
        community=request.community,
        agreed_minutes=request.agreed_minutes,
        checked_in_at=now - dt.timedelta(minutes=claimed),
        checked_out_at=now,
        claimed_minutes=claimed,
        state=state,
    )


def committed(world, helper, coordinator, *, now, claimed: int = 60, requester=None):
    record = make_record(world, helper, now=now, claimed=claimed, requester=requester)
    return records.service_confirm(actor=coordinator, record=record, now=now)


def seed(resident: Resident, minutes: int, *, now) -> Account:
    """Hours in a person's account, issued by their community (a test's starting point)."""
    account = ledger.account_for(resident)
    issuer = ledger.community_account(resident.community, K.ISSUER)
    with transaction.atomic():
        ledger._post(
            kind=T.GRANT,
            community=resident.community,
            legs=[(issuer, -minutes), (account, minutes)],
            actor=None,
            now=now,
        )
    account.refresh_from_db()
    return account


def balance(resident_or_account) -> int:
    if isinstance(resident_or_account, Account):
        return Account.objects.get(pk=resident_or_account.pk).balance
    found = Account.objects.filter(resident=resident_or_account).first()
    return found.balance if found else 0


def books_balance() -> None:
    """The invariants: every balance sums to zero, each is its movements' sum."""
    check = selectors_ledger.ledger_balance()
    assert check.total == 0
    assert check.movements == 0
    assert check.mismatched == []


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in their English source."""
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


# --- accounts --------------------------------------------------------------------------------


def test_a_person_has_one_account_in_their_community(world):
    first = ledger.account_for(world.liu)
    assert ledger.account_for(world.liu) == first
    assert (first.kind, first.community, first.balance) == (K.PERSON, world.sanjiang, 0)


def test_a_community_has_one_account_of_each_kind(world):
    pool = ledger.community_account(world.sanjiang, K.POOL)
    assert ledger.community_account(world.sanjiang, K.POOL) == pool
    assert ledger.community_account(world.sanjiang, K.ISSUER) != pool
    with pytest.raises(ValueError):
        ledger.community_account(world.sanjiang, K.PERSON)


def test_the_database_refuses_a_person_below_zero_or_over_the_cap(world):
    account = ledger.account_for(world.liu)
    for bad in (-1, STORAGE_CAP_MINUTES + 1):
        with pytest.raises(IntegrityError), transaction.atomic():
            Account.objects.filter(pk=account.pk).update(balance=bad)


def test_a_transfer_must_add_up_to_zero_and_move_something(world, now):
    liu = ledger.account_for(world.liu)
    pool = ledger.community_account(world.sanjiang, K.POOL)
    for legs in ([(liu, -10), (pool, 5)], [(liu, 0), (pool, 0)], [(liu, 10), (liu, -10)]):
        with pytest.raises(MutualAidError):
            ledger._post(kind=T.DONATION, community=world.sanjiang, legs=legs, actor=None, now=now)
    assert not Transfer.objects.exists()


# --- hours for a service ---------------------------------------------------------------------


def test_a_committed_service_credits_the_helper_from_the_issuer(world, cast, helper, now):
    record = committed(world, helper, cast.worker, now=now, claimed=90)

    transfer = Transfer.objects.get(service=record)
    assert transfer.kind == T.SERVICE
    assert balance(helper.resident) == 90
    assert ledger.community_account(world.sanjiang, K.ISSUER).balance == -90
    assert sorted(transfer.movements.values_list("amount", flat=True)) == [-90, 90]
    assert AuditEntry.objects.filter(detail="mutualaid.ledger_service").count() == 1
    books_balance()


def test_hours_past_the_cap_go_to_the_pool_and_the_helper_is_told(
    world, cast, helper, now, kinds_registered, django_capture_on_commit_callbacks
):
    seed(helper.resident, STORAGE_CAP_MINUTES - 30, now=now)

    with django_capture_on_commit_callbacks(execute=True):
        record = committed(world, helper, cast.worker, now=now, claimed=100)

    kinds = dict(Transfer.objects.filter(service=record).values_list("kind", "params__kind"))
    assert set(kinds) == {T.SERVICE, T.OVERFLOW}
    assert balance(helper.resident) == STORAGE_CAP_MINUTES
    assert ledger.community_account(world.sanjiang, K.POOL).balance == 70
    sent = set(Notification.objects.filter(recipient=helper.user).values_list("kind", flat=True))
    assert {"mutualaid_hours_credited", "mutualaid_hours_overflow"} <= sent
    books_balance()


def test_a_helper_at_the_cap_gives_every_new_hour_to_the_pool(world, cast, helper, now):
    seed(helper.resident, STORAGE_CAP_MINUTES, now=now)
    record = committed(world, helper, cast.worker, now=now, claimed=60)
    assert list(Transfer.objects.filter(service=record).values_list("kind", flat=True)) == [
        T.OVERFLOW
    ]
    assert balance(helper.resident) == STORAGE_CAP_MINUTES


def test_a_service_is_credited_once(world, cast, helper, now):
    record = committed(world, helper, cast.worker, now=now)
    with pytest.raises(MutualAidError, match="already been credited"):
        ledger.service_credit(record=record, actor=cast.worker, now=now)
    assert balance(helper.resident) == 60


# --- donations -------------------------------------------------------------------------------


def test_a_holder_donates_hours_to_the_pool(world, cast, now):
    seed(world.liu, 120, now=now)
    transfer = ledger.hours_donate(actor=cast.liu, resident=world.liu, minutes=45, now=now)
    assert transfer.kind == T.DONATION
    assert balance(world.liu) == 75
    assert ledger.community_account(world.sanjiang, K.POOL).balance == 45
    books_balance()


def test_donating_more_than_the_balance_is_refused_naming_the_holder_and_changes_nothing(
    world, cast, now
):
    seed(world.liu, 30, now=now)
    before = Transfer.objects.count()
    with pytest.raises(MutualAidError) as refused:
        ledger.hours_donate(actor=cast.liu, resident=world.liu, minutes=31, now=now)
    assert "刘大爷 has only 30 minutes" in str(refused.value.message_dict["minutes"])
    assert (balance(world.liu), Transfer.objects.count()) == (30, before)


@pytest.mark.parametrize("minutes", [0, -5, True, 1.5])
def test_a_donation_must_be_whole_minutes_above_zero(world, cast, now, minutes):
    seed(world.liu, 30, now=now)
    with pytest.raises(MutualAidError) as refused:
        ledger.hours_donate(actor=cast.liu, resident=world.liu, minutes=minutes, now=now)
    assert "minutes" in refused.value.message_dict


@pytest.mark.parametrize("who", ["worker", "outsider", "street_admin"])
def test_only_the_holder_moves_their_hours(world, cast, now, who):
    seed(world.liu, 30, now=now)
    with pytest.raises(MutualAidError, match="Only the holder"):
        ledger.hours_donate(actor=getattr(cast, who), resident=world.liu, minutes=10, now=now)
    assert balance(world.liu) == 30


def test_a_family_proxy_acting_for_the_holder_moves_their_hours(world, cast, now):
    daughter = UserFactory(name="刘女儿")
    link = ProxyLink.objects.create(
        principal=cast.liu,
        proxy=daughter,
        relation=ProxyLink.Relation.DAUGHTER,
        powers=["ask_help"],
        state=ProxyLink.State.ACTIVE,
        consent_method=ProxyLink.ConsentMethod.OWN_PHONE,
    )
    seed(world.liu, 30, now=now)
    ledger.hours_donate(
        actor=ActingUser.for_link(link, daughter), resident=world.liu, minutes=10, now=now
    )
    assert balance(world.liu) == 20
    with pytest.raises(MutualAidError):  # as herself, she is not the holder
        ledger.hours_donate(actor=daughter, resident=world.liu, minutes=10, now=now)


# --- family transfers ------------------------------------------------------------------------


@pytest.fixture
def family(world):
    """A household of 沱源: 张伯 (head, 70), his wife (66), son (40) and daughter (38)."""
    home = HouseholdFactory(unit=world.tuoyuan_unit, floor=3, door="301")
    return {
        "head": person(home, "张伯", age=70, user=True),
        "spouse": person(home, "张婶", age=66, relation="spouse", user=True),
        "son": person(home, "张儿", age=40, relation="child", user=True),
        "daughter": person(home, "张女", age=38, relation="child", user=True),
    }


def test_hours_go_to_a_spouse_aged_sixty_or_over(world, family, now, kinds_registered):
    seed(family["head"], 100, now=now)
    ledger.hours_give_family(
        actor=login_of(family["head"]),
        giver=family["head"],
        receiver=family["spouse"],
        minutes=40,
        now=now,
    )
    assert (balance(family["head"]), balance(family["spouse"])) == (60, 40)
    books_balance()


def test_a_child_gives_hours_to_a_parent(world, family, now):
    seed(family["son"], 100, now=now)
    ledger.hours_give_family(
        actor=login_of(family["son"]),
        giver=family["son"],
        receiver=family["spouse"],  # his mother: spouse of the head
        minutes=25,
        now=now,
    )
    assert balance(family["spouse"]) == 25


def test_hours_do_not_go_to_a_relative_under_sixty(world, family, now):
    seed(family["head"], 100, now=now)
    with pytest.raises(MutualAidError, match="aged 60 or over") as refused:
        ledger.hours_give_family(
            actor=login_of(family["head"]),
            giver=family["head"],
            receiver=family["son"],
            minutes=10,
            now=now,
        )
    assert "receiver" in refused.value.message_dict
    assert balance(family["head"]) == 100


def test_hours_do_not_go_to_a_sibling_or_a_neighbour(world, family, now):
    seed(family["son"], 100, now=now)
    for receiver in (family["daughter"], world.liu):
        with pytest.raises(MutualAidError, match="is not your spouse or a direct relative"):
            ledger.hours_give_family(
                actor=login_of(family["son"]),
                giver=family["son"],
                receiver=receiver,
                minutes=10,
                now=now,
            )
    assert balance(family["son"]) == 100
    assert not Account.objects.filter(resident=family["daughter"], balance__gt=0).exists()


def test_the_households_relations_imply_only_certain_kinship(world, now):
    home = HouseholdFactory(unit=world.tuoyuan_unit, floor=4, door="401")
    head = person(home, "户主", age=50)
    grandpa = person(home, "爷爷", age=80, relation="parent")
    grandma = person(home, "奶奶", age=78, relation="parent")
    grandchild = person(home, "孙子", age=20, relation="grandchild")
    child = person(home, "儿子", age=25, relation="child")
    today = timezone.localdate(now)
    assert selectors_ledger.kinship(head, grandpa, today) == "direct"
    assert (
        selectors_ledger.kinship(child, grandpa, today) == "direct"
    )  # the head's child and parent
    assert selectors_ledger.kinship(grandchild, head, today) == "direct"
    assert selectors_ledger.kinship(grandpa, grandma, today) == ""  # a couple, or parent-in-law
    assert selectors_ledger.kinship(child, grandchild, today) == ""  # need not be parent and child


def test_a_son_linked_as_family_proxy_gives_hours_to_his_father(world, cast, now):
    son_home = HouseholdFactory(unit=world.jindu_unit, floor=1, door="101")
    son = person(son_home, "刘儿", age=50, user=True)
    link = ProxyLink.objects.create(
        principal=cast.liu,
        proxy=login_of(son),
        relation=ProxyLink.Relation.SON,
        powers=["ask_help"],
        state=ProxyLink.State.ACTIVE,
        consent_method=ProxyLink.ConsentMethod.OWN_PHONE,
    )
    seed(son, 100, now=now)
    ledger.hours_give_family(
        actor=login_of(son), giver=son, receiver=world.liu, minutes=30, now=now
    )
    assert balance(world.liu) == 30

    link.state = ProxyLink.State.REVOKED
    link.save(update_fields=["state"])
    with pytest.raises(MutualAidError, match="is not your spouse"):
        ledger.hours_give_family(
            actor=login_of(son), giver=son, receiver=world.liu, minutes=30, now=now
        )
    books_balance()


def test_a_gift_over_the_receivers_cap_is_refused_naming_the_receiver(world, family, now):
    seed(family["head"], 100, now=now)
    seed(family["spouse"], STORAGE_CAP_MINUTES - 10, now=now)
    with pytest.raises(MutualAidError, match="张婶's time account would hold more than"):
        ledger.hours_give_family(
            actor=login_of(family["head"]),
            giver=family["head"],
            receiver=family["spouse"],
            minutes=11,
            now=now,
        )
    assert (balance(family["head"]), balance(family["spouse"])) == (100, STORAGE_CAP_MINUTES - 10)


def test_hours_are_not_given_to_oneself(world, cast, now):
    seed(world.liu, 100, now=now)
    with pytest.raises(MutualAidError, match="yourself"):
        ledger.hours_give_family(
            actor=cast.liu, giver=world.liu, receiver=world.liu, minutes=1, now=now
        )


# --- redemptions -----------------------------------------------------------------------------


def test_the_recipient_pays_for_a_service_once(world, cast, helper, now):
    seed(world.liu, 200, now=now)
    record = committed(world, helper, cast.worker, now=now, claimed=60)

    payment = ledger.hours_redeem(actor=cast.liu, resident=world.liu, record=record, now=now)

    assert (payment.kind, payment.service) == (T.REDEMPTION, record)
    assert balance(world.liu) == 140
    assert ledger.community_account(world.sanjiang, K.REDEEMED).balance == 60
    with pytest.raises(MutualAidError, match="already been paid"):
        ledger.hours_redeem(actor=cast.liu, resident=world.liu, record=record, now=now)
    assert balance(world.liu) == 140
    books_balance()


def test_a_service_paid_again_only_after_its_payment_was_corrected(world, cast, helper, now):
    seed(world.liu, 200, now=now)
    record = committed(world, helper, cast.worker, now=now, claimed=60)
    payment = ledger.hours_redeem(actor=cast.liu, resident=world.liu, record=record, now=now)
    ledger.transfer_reverse(actor=cast.worker, transfer=payment, reason="付错了", now=now)
    assert balance(world.liu) == 200
    ledger.hours_redeem(actor=cast.liu, resident=world.liu, record=record, now=now)
    assert balance(world.liu) == 140


def test_a_relative_pays_for_the_service_an_elder_received(world, cast, helper, now):
    home = HouseholdFactory(unit=world.jindu_unit, floor=1, door="102")
    son = person(home, "刘儿", age=50, user=True)
    ProxyLink.objects.create(
        principal=cast.liu,
        proxy=login_of(son),
        relation=ProxyLink.Relation.SON,
        powers=["ask_help"],
        state=ProxyLink.State.ACTIVE,
        consent_method=ProxyLink.ConsentMethod.OWN_PHONE,
    )
    seed(son, 100, now=now)
    record = committed(world, helper, cast.worker, now=now, claimed=60)
    ledger.hours_redeem(actor=login_of(son), resident=son, record=record, now=now)
    assert balance(son) == 40


def test_no_one_else_pays_with_hours_and_only_for_a_confirmed_service(world, cast, helper, now):
    stranger = person(HouseholdFactory(unit=world.jindu_unit), "陌生人", age=70, user=True)
    seed(stranger, 100, now=now)
    seed(helper.resident, 100, now=now)
    record = committed(world, helper, cast.worker, now=now, claimed=60)
    with pytest.raises(MutualAidError, match="is not your spouse"):
        ledger.hours_redeem(actor=login_of(stranger), resident=stranger, record=record, now=now)
    with pytest.raises(MutualAidError, match="a service you gave"):
        ledger.hours_redeem(actor=helper.user, resident=helper.resident, record=record, now=now)
    pending = make_record(world, helper, now=now)
    seed(world.liu, 100, now=now)
    with pytest.raises(MutualAidError, match="Only a confirmed service"):
        ledger.hours_redeem(actor=cast.liu, resident=world.liu, record=pending, now=now)
    assert not Transfer.objects.filter(kind=T.REDEMPTION).exists()


def test_paying_with_more_hours_than_held_is_refused(world, cast, helper, now):
    seed(world.liu, 30, now=now)
    record = committed(world, helper, cast.worker, now=now, claimed=60)
    with pytest.raises(MutualAidError, match="刘大爷 has only 30 minutes"):
        ledger.hours_redeem(actor=cast.liu, resident=world.liu, record=record, now=now)
    assert balance(world.liu) == 30


# --- corrections -----------------------------------------------------------------------------


def test_a_coordinator_reverses_a_transfer_once(world, cast, now, kinds_registered):
    seed(world.liu, 100, now=now)
    donation = ledger.hours_donate(actor=cast.liu, resident=world.liu, minutes=40, now=now)

    correction = ledger.transfer_reverse(
        actor=cast.worker, transfer=donation, reason=" 老人按错了\u200b ", now=now
    )

    assert (correction.kind, correction.reverses) == (T.REVERSAL, donation)
    assert correction.params["note"] == "老人按错了"
    assert sorted(correction.movements.values_list("amount", flat=True)) == [-40, 40]
    assert balance(world.liu) == 100
    with pytest.raises(MutualAidError, match="already been corrected"):
        ledger.transfer_reverse(actor=cast.worker, transfer=donation, reason="again", now=now)
    with pytest.raises(MutualAidError, match="cannot itself be reversed"):
        ledger.transfer_reverse(actor=cast.worker, transfer=correction, reason="x", now=now)
    books_balance()


@pytest.mark.parametrize("who", ["liu", "other_worker", "outsider", "grid_member"])
def test_only_a_coordinator_of_the_community_reverses(world, cast, now, who):
    seed(world.liu, 100, now=now)
    donation = ledger.hours_donate(actor=cast.liu, resident=world.liu, minutes=40, now=now)
    with pytest.raises(MutualAidError, match="Only a coordinator"):
        ledger.transfer_reverse(actor=getattr(cast, who), transfer=donation, reason="x", now=now)
    assert not Transfer.objects.filter(kind=T.REVERSAL).exists()


def test_a_correction_needs_a_reason(world, cast, now):
    seed(world.liu, 100, now=now)
    donation = ledger.hours_donate(actor=cast.liu, resident=world.liu, minutes=40, now=now)
    with pytest.raises(MutualAidError) as refused:
        ledger.transfer_reverse(actor=cast.worker, transfer=donation, reason="\u200b ", now=now)
    assert "reason" in refused.value.message_dict


def test_hours_already_spent_cannot_be_taken_back(world, cast, helper, now):
    record = committed(world, helper, cast.worker, now=now, claimed=60)
    ledger.hours_donate(actor=helper.user, resident=helper.resident, minutes=50, now=now)
    credit = Transfer.objects.get(service=record, kind=T.SERVICE)
    with pytest.raises(MutualAidError, match="唐丽 has only 10 minutes"):
        ledger.transfer_reverse(actor=cast.worker, transfer=credit, reason="没来", now=now)
    assert balance(helper.resident) == 10
    books_balance()


def test_the_books_are_append_only(world, cast, now):
    seed(world.liu, 100, now=now)
    transfer = Transfer.objects.get()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Movement.objects.filter(transfer=transfer).update(amount=1)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM mutualaid_movement WHERE transfer_id = %s", [transfer.pk])


# --- statements and totals -------------------------------------------------------------------


def test_a_statement_lists_movements_newest_first_with_their_counterparty(
    world, cast, helper, now, django_assert_num_queries
):
    record = committed(world, helper, cast.worker, now=now - dt.timedelta(hours=2), claimed=90)
    donation = ledger.hours_donate(
        actor=helper.user, resident=helper.resident, minutes=30, now=now - dt.timedelta(hours=1)
    )
    ledger.transfer_reverse(actor=cast.worker, transfer=donation, reason="误操作", now=now)
    resident = Resident.objects.select_related("community", "household").get(pk=helper.resident.pk)

    with django_assert_num_queries(3):
        statement = selectors_ledger.statement_for(actor=helper.user, resident=resident)

    assert statement.balance == 90
    assert [(line.kind, line.minutes, line.counterparty.code) for line in statement.lines] == [
        (T.REVERSAL, 30, K.POOL),
        (T.DONATION, -30, K.POOL),
        (T.SERVICE, 90, K.ISSUER),
    ]
    assert statement.lines[1].corrected and not statement.lines[0].corrected
    assert statement.lines[2].service == record.uuid


def test_a_statement_names_the_relative_on_the_other_side(world, family, now):
    seed(family["head"], 100, now=now)
    ledger.hours_give_family(
        actor=login_of(family["head"]),
        giver=family["head"],
        receiver=family["spouse"],
        minutes=10,
        now=now,
    )
    line = selectors_ledger.statement_for(
        actor=login_of(family["spouse"]), resident=family["spouse"]
    ).lines[0]
    assert (line.counterparty.code, line.counterparty.name) == (K.PERSON, "张伯")


def test_a_coordinator_sees_a_statement_and_anyone_else_gets_404(world, cast, now):
    seed(world.liu, 100, now=now)
    assert selectors_ledger.statement_for(actor=cast.worker, resident=world.liu).balance == 100
    assert selectors_ledger.statement_for(actor=cast.liu, resident=world.liu).balance == 100
    for who in ("outsider", "other_worker", "volunteer"):
        with pytest.raises(Http404):
            selectors_ledger.statement_for(actor=getattr(cast, who), resident=world.liu)


def test_a_statement_without_an_account_is_empty(world, cast):
    statement = selectors_ledger.statement_for(actor=cast.liu, resident=world.liu)
    assert (statement.account, statement.balance, statement.lines) == (None, 0, [])


def test_a_communitys_totals(world, cast, helper, now):
    committed(world, helper, cast.worker, now=now, claimed=90)
    ledger.hours_donate(actor=helper.user, resident=helper.resident, minutes=30, now=now)
    totals = selectors_ledger.ledger_totals(world.sanjiang)
    assert (totals.issued, totals.held, totals.pool, totals.redeemed, totals.accounts) == (
        90,
        60,
        30,
        0,
        1,
    )


# --- certificates ----------------------------------------------------------------------------


def _period(now):
    today = timezone.localdate(now)
    return today - dt.timedelta(days=30), today


def test_a_certificate_counts_the_committed_hours_net_of_corrections(world, cast, helper, now):
    kept = committed(world, helper, cast.worker, now=now, claimed=90)
    corrected = committed(world, helper, cast.worker, now=now, claimed=45)
    make_record(world, helper, now=now, claimed=30)  # still pending: not counted
    ledger.transfer_reverse(
        actor=cast.worker,
        transfer=Transfer.objects.get(service=corrected, kind=T.SERVICE),
        reason="重复记录",
        now=now,
    )
    start, end = _period(now)

    certificate = certificates.certificate_issue(
        actor=cast.worker, resident=helper.resident, period_start=start, period_end=end, now=now
    )

    assert (certificate.minutes, certificate.services) == (90, 1)
    assert certificate.content == {"shopping": 90}
    assert certificate.number == f"SL-510121100001-{timezone.localdate(now).year}-000001"
    assert kept.state == ServiceRecord.State.COMMITTED
    again = certificates.certificate_issue(
        actor=cast.worker, resident=helper.resident, period_start=start, period_end=end, now=now
    )
    assert again.number.endswith("-000002")
    assert selectors_ledger.certificate_by_number(again.number.lower()) == again
    assert selectors_ledger.certificate_by_number("SL-nope") is None


def test_hours_over_the_cap_still_count_on_the_certificate(world, cast, helper, now):
    seed(helper.resident, STORAGE_CAP_MINUTES, now=now)
    committed(world, helper, cast.worker, now=now, claimed=60)
    start, end = _period(now)
    certificate = certificates.certificate_issue(
        actor=cast.worker, resident=helper.resident, period_start=start, period_end=end, now=now
    )
    assert certificate.minutes == 60


def test_a_certificate_is_issued_only_by_a_coordinator_for_hours_given(world, cast, helper, now):
    start, end = _period(now)
    with pytest.raises(MutualAidError, match="no confirmed service hours"):
        certificates.certificate_issue(
            actor=cast.worker, resident=helper.resident, period_start=start, period_end=end
        )
    committed(world, helper, cast.worker, now=now)
    for who in ("outsider", "other_worker", "liu"):
        with pytest.raises(MutualAidError, match="Only a coordinator"):
            certificates.certificate_issue(
                actor=getattr(cast, who),
                resident=helper.resident,
                period_start=start,
                period_end=end,
                now=now,
            )
    with pytest.raises(MutualAidError) as refused:
        certificates.certificate_issue(
            actor=cast.worker, resident=helper.resident, period_start=end, period_end=start
        )
    assert "period_end" in refused.value.message_dict
    assert not Certificate.objects.exists()


def test_the_certificate_pdf_shows_the_fields_of_order_67_in_chinese(world, cast, helper, now):
    from pypdf import PdfReader

    committed(world, helper, cast.worker, now=now, claimed=90)
    start, end = _period(now)
    certificate = certificates.certificate_issue(
        actor=cast.worker, resident=helper.resident, period_start=start, period_end=end, now=now
    )

    with translation.override("zh-hans"):
        document = certificates.certificate_pdf(
            certificate, url=f"https://silin.example/verify/{certificate.number}"
        )

    page = PdfReader(io.BytesIO(document)).pages[0]
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-CJK" in name for name in fonts), fonts
    text = page.extract_text().replace("\n", "")
    masked = helper.resident.id_number_masked
    for shown in ("唐丽", masked, "三江社区", certificate.number, "1.5"):
        assert shown in text, shown
    assert helper.resident.id_number not in text
    assert f"https://silin.example/verify/{certificate.number}" in text
