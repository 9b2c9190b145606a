"""The needs register and matching: raising, the batch, confirming, accepting, declining."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone, translation

from silin.mutualaid.models import HelpRequest, MatchingRun, Proposal
from silin.mutualaid.services import matching as match_services
from silin.mutualaid.services import requests as request_services
from silin.mutualaid.services.common import MutualAidError
from silin.mutualaid.tests.factories import make_helper, make_request
from silin.places.tests.factories import HouseholdFactory, UnitFactory

pytestmark = pytest.mark.django_db
S = HelpRequest.State


@pytest.fixture
def now(clock):
    return clock.move_to(9)


def _raise(cast, world, now, **kw):
    args = dict(
        actor=cast.liu,
        requester=world.liu,
        kind="shopping",
        window_start=now + dt.timedelta(hours=1),
        window_end=now + dt.timedelta(hours=4),
        now=now,
    )
    args.update(kw)
    return request_services.request_raise(**args)


def test_a_resident_asks_for_help_for_himself(cast, world, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = _raise(cast, world, now, notes="钥匙在门口\u200b地垫下")
    assert r.state == S.OPEN
    assert r.raised_as == HelpRequest.RaisedAs.SELF
    assert r.household == world.liu_household
    assert r.notes == "钥匙在门口地垫下"


def test_a_grid_member_asks_for_a_resident_in_their_grid(cast, world, now):
    r = _raise(cast, world, now, actor=cast.grid_member)
    assert r.raised_as == HelpRequest.RaisedAs.GRID
    assert r.raised_by == cast.grid_member


@pytest.mark.parametrize("who", ["outsider", "other_worker", "volunteer"])
def test_others_cannot_ask_for_a_resident(cast, world, now, who):
    with pytest.raises(MutualAidError):
        _raise(cast, world, now, actor=getattr(cast, who))
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "juggling"}, "kind"),
        ({"window_end_hours": -1}, "window_end"),
        ({"window_end_hours": 24 * 8}, "window_end"),
        ({"agreed_minutes": 5}, "agreed_minutes"),
        ({"agreed_minutes": 300}, "agreed_minutes"),
    ],
)
def test_bad_requests_say_why_and_save_nothing(cast, world, now, change, field):
    kw = dict(change)
    if "window_end_hours" in kw:
        kw["window_end"] = now + dt.timedelta(hours=kw.pop("window_end_hours"))
    with pytest.raises(MutualAidError) as err:
        _raise(cast, world, now, **kw)
    assert field in err.value.message_dict
    assert not HelpRequest.objects.exists()


def test_the_batch_proposes_the_neighbour_of_the_same_unit_with_reasons(cast, world, now):
    near = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    far_unit = UnitFactory(building=world.tuoyuan_unit.building, number="2")
    make_helper(unit=far_unit, floor=2, name="远邻")
    r = _raise(cast, world, now)
    run = match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    assert (run.needs, run.matched) == (1, 1)
    proposal = Proposal.objects.get(request=r)
    assert proposal.helper == near
    assert proposal.reasons == ["upstairs_downstairs", "skill:shopping"]
    r.refresh_from_db()
    assert r.state == S.PROPOSED


def test_a_second_batch_does_not_propose_twice(cast, world, now):
    make_helper(unit=world.tuoyuan_unit, floor=3)
    _raise(cast, world, now)
    match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    again = match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    assert again.needs == 0
    assert Proposal.objects.count() == 1


def test_only_coordinators_run_matching(cast, world, now):
    for who in (cast.liu, cast.other_worker, cast.outsider, cast.grid_member):
        with pytest.raises(MutualAidError):
            match_services.matching_run(actor=who, community=world.sanjiang, now=now)
    assert not MatchingRun.objects.exists()


def test_confirm_accept_and_the_helper_holds_the_request(cast, world, now):
    helper = make_helper(unit=world.tuoyuan_unit, floor=3)
    r = _raise(cast, world, now)
    match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    proposal = Proposal.objects.get(request=r)
    assert match_services.proposals_confirm(actor=cast.worker, proposals=[proposal], now=now) == 1
    with pytest.raises(MutualAidError):
        match_services.proposal_accept(actor=cast.liu, proposal=proposal, now=now)
    match_services.proposal_accept(actor=helper.user, proposal=proposal, now=now)
    r.refresh_from_db()
    assert (r.state, r.helper) == (S.ACCEPTED, helper)


def test_declining_asks_the_next_nearest_helper(cast, world, now):
    first = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    second = make_helper(unit=world.tuoyuan_unit, floor=5, name="周姐")
    r = _raise(cast, world, now)
    match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    proposal = Proposal.objects.get(request=r)
    assert proposal.helper == first
    match_services.proposals_confirm(actor=cast.worker, proposals=[proposal], now=now)
    nxt = match_services.proposal_decline(actor=first.user, proposal=proposal, now=now)
    assert nxt is not None and nxt.helper == second and nxt.state == Proposal.State.CONFIRMED
    # and when the second declines too, no one is left: the request waits on the board
    assert match_services.proposal_decline(actor=second.user, proposal=nxt, now=now) is None
    r.refresh_from_db()
    assert r.state == S.OPEN


def test_a_helper_is_never_matched_to_their_own_household(cast, world, now):
    make_helper(household=world.liu_household, name="刘大妈")
    _raise(cast, world, now)
    run = match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    assert run.matched == 0


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("english")
def test_choosing_by_hand_refuses_own_household_cap_and_time(cast, world, now):
    r = _raise(cast, world, now)
    same = make_helper(household=world.liu_household, name="刘大妈")
    with pytest.raises(MutualAidError, match="same household"):
        match_services.proposal_choose(actor=cast.worker, request=r, helper=same, now=now)
    full = make_helper(unit=world.tuoyuan_unit, floor=4, name="满了", monthly_cap=1)
    other = make_request(world.other_resident, state=S.ACCEPTED, helper=full, start=now)
    assert other.helper == full
    with pytest.raises(MutualAidError, match="cap"):
        match_services.proposal_choose(actor=cast.worker, request=r, helper=full, now=now)
    # free only on Sundays, and the request is not on a Sunday
    weekday = timezone.localtime(r.window_start).weekday()
    busy = make_helper(
        unit=world.tuoyuan_unit, floor=5, name="周日", availability=[[(weekday + 1) % 7, 0, 1440]]
    )
    with pytest.raises(MutualAidError, match="not available"):
        match_services.proposal_choose(actor=cast.worker, request=r, helper=busy, now=now)
    assert not Proposal.objects.exists()
    r.refresh_from_db()
    assert r.state == S.OPEN


def test_a_helper_takes_a_need_near_them(cast, world, now):
    helper = make_helper(unit=world.tuoyuan_unit, floor=3)
    r = _raise(cast, world, now)
    match_services.request_take(actor=helper.user, request=r, now=now)
    r.refresh_from_db()
    assert (r.state, r.helper) == (S.ACCEPTED, helper)
    with pytest.raises(MutualAidError):
        match_services.request_take(actor=helper.user, request=r, now=now)


def test_cancel_withdraws_the_proposal_and_a_weekly_request_repeats(cast, world, now):
    make_helper(unit=world.tuoyuan_unit, floor=3)
    r = _raise(cast, world, now, repeats_weekly=True)
    match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    request_services.request_cancel(actor=cast.liu, request=r, now=now)
    assert Proposal.objects.get(request=r).state == Proposal.State.WITHDRAWN
    following = HelpRequest.objects.get(previous=r)
    assert following.window_start == r.window_start + dt.timedelta(days=7)
    assert following.state == S.OPEN


def test_a_request_past_its_window_expires(cast, world, now):
    r = _raise(cast, world, now)
    assert request_services.requests_expire_due(now=now) == 0
    assert request_services.requests_expire_due(now=r.window_end + dt.timedelta(minutes=1)) == 1
    r.refresh_from_db()
    assert r.state == S.EXPIRED


def test_alliance_helpers_serve_the_other_compounds(cast, world, now):
    from silin.mutualaid.services.helpers import alliance_create

    eton_unit = UnitFactory(building__compound=world.eton, number="1")
    helper = make_helper(household=HouseholdFactory(unit=eton_unit, floor=1, door="101"))
    _raise(cast, world, now)
    alliance_create(
        actor=cast.worker,
        community=world.sanjiang,
        name="沱源伊顿联盟",
        compounds=[world.tuoyuan, world.eton],
    )
    match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    proposal = Proposal.objects.get()
    assert proposal.helper == helper
    assert proposal.reasons[0] == "alliance"


def test_the_sweep_expires_and_auto_accepts_and_running_it_twice_changes_nothing(
    cast, world, clock
):
    from io import StringIO

    from django.core.management import call_command

    from silin.mutualaid.models import ServiceRecord

    now = clock.move_to(9)
    tang = make_helper(unit=world.tuoyuan_unit, floor=3)
    late = make_request(world.liu, start=now - dt.timedelta(hours=6), hours=2)
    done = make_request(world.liu, state=S.DONE, helper=tang, start=now - dt.timedelta(days=9))
    ServiceRecord.objects.create(
        request=done,
        helper=tang,
        recipient=world.liu,
        community=world.sanjiang,
        agreed_minutes=60,
        checked_in_at=done.window_start,
        checked_out_at=done.window_start + dt.timedelta(hours=1),
        claimed_minutes=60,
        state=ServiceRecord.State.PENDING,
    )
    out = StringIO()
    call_command("mutualaid_sweep", stdout=out)
    assert "expired 1 request(s), auto-accepted 1 service(s)" in out.getvalue()
    late.refresh_from_db()
    assert late.state == S.EXPIRED
    record = ServiceRecord.objects.get()
    assert record.state == ServiceRecord.State.COMMITTED and record.auto_accepted
    again = StringIO()
    call_command("mutualaid_sweep", stdout=again)
    assert "expired 0 request(s), auto-accepted 0 service(s)" in again.getvalue()


@pytest.mark.parametrize(
    "language, words",
    [
        ("zh-hans", "同单元 · 上次也是TA来的 · 会修修补补"),
        ("zh-hant", "同單元 · 上次也是TA來的 · 會修修補補"),
        ("en", "same unit · came last time · does small repairs"),
    ],
)
def test_a_pairs_reasons_are_words_in_the_readers_language(language, words):
    from silin.mutualaid.presenters import reason_words

    with translation.override(language):
        assert reason_words(["same_unit", "came_last_time", "skill:repairs"]) == words


def test_urgent_requests_are_matched_and_listed_first(cast, world, now):
    from silin.mutualaid.selectors import board

    make_helper(unit=world.tuoyuan_unit, floor=3, monthly_cap=1)
    normal = _raise(cast, world, now)
    urgent = _raise(cast, world, now, urgency="urgent")
    pool = match_services.read_pool(Q(community=world.sanjiang), Q(community=world.sanjiang), now)
    assert [n.key for n in pool.needs] == [urgent.pk, normal.pk]
    assert [
        r["pk"] for r in board(actor=cast.worker, community=world.sanjiang, now=now).unmatched
    ] == [
        urgent.pk,
        normal.pk,
    ]
