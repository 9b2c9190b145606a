"""A worker signs up a resident of the register who has no phone, and adds walk-ins at the
door (a resident or a guest): services, the page, the API, the race against sign-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from silin.accounts.services import token_create
from silin.accounts.tests.factories import UserFactory, assign
from silin.activities import figures
from silin.activities.models import SignUp
from silin.activities.personal_data import signups as signups_section
from silin.activities.services import events, signups, walk_ins
from silin.activities.services.common import ActivityError
from silin.activities.tests.factories import make_event, make_soon_event
from silin.core import personal_data as pd
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.core.tests.races import race
from silin.notifications.models import Notification
from silin.people.models import Resident
from silin.people.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(clock):
    """Noon of the suite's day: an event "in 30 minutes" is on the same day at any hour."""
    clock.move_to(12)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def granny(world):
    """王奶奶, 刘大爷's neighbour in 沱源, in the register with no phone and no account."""
    return ResidentFactory(name="王奶奶", household=world.liu_household)


def _soon(world, cast, **kw):
    return make_soon_event(world, cast.worker, **kw)


# --- signing up a resident with no phone --------------------------------------------------


def test_a_worker_signs_up_a_resident_without_a_phone(world, cast, granny):
    event = make_event(world, cast.worker, capacity=3, max_companions=2)
    s = signups.signup_for_resident(actor=cast.worker, event=event, resident=granny, companions=1)
    assert s.state == SignUp.State.CONFIRMED
    assert s.person is None and s.resident == granny and s.signed_up_by == cast.worker
    assert s.name == "王奶奶" and s.places == 2
    entry = AuditEntry.objects.filter(object_uuid=s.uuid, action="create").get()
    assert entry.detail == "on behalf of 王奶奶"
    # Twice: refused, naming her, nothing saved.
    with pytest.raises(ActivityError, match="王奶奶 is already signed up"):
        signups.signup_for_resident(actor=cast.worker, event=event, resident=granny)
    assert SignUp.objects.filter(event=event).count() == 1
    # Her register record's "My data" lists it.
    section = signups_section(pd.Subject(resident=granny))
    assert section is not None and [r.title for r in section.records] == [event.title]


def test_a_resident_with_an_account_is_signed_up_under_it_and_told(
    world, cast, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker)
    with django_capture_on_commit_callbacks(execute=True):
        s = signups.signup_for_resident(actor=cast.worker, event=event, resident=world.liu)
    assert s.person == cast.liu and s.resident is None
    assert Notification.objects.filter(
        recipient=cast.liu, kind="activity_signed_up_for_you"
    ).exists()


def test_the_worker_hears_of_a_freed_place_for_a_resident_without_a_phone(
    world, cast, granny, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker, capacity=1)
    first = signups.signup_create(actor=cast.liu, event=event)
    waiting = signups.signup_for_resident(actor=cast.worker, event=event, resident=granny)
    assert waiting.state == SignUp.State.WAITING
    with django_capture_on_commit_callbacks(execute=True):
        signups.signup_cancel(actor=cast.liu, signup=first)
    notice = Notification.objects.get(recipient=cast.worker, kind="activity_offer", copy_for=None)
    assert notice.rendered.title == "A place is free for 王奶奶"
    # The worker accepts it for her.
    accepted = signups.signup_accept_offer(actor=cast.worker, signup=waiting)
    assert accepted.state == SignUp.State.CONFIRMED


def test_a_cancelled_event_tells_the_worker_for_a_resident_without_a_phone(
    world, cast, granny, django_capture_on_commit_callbacks
):
    event = make_event(world, cast.worker)
    signups.signup_for_resident(actor=cast.worker, event=event, resident=granny)
    with django_capture_on_commit_callbacks(execute=True):
        events.event_cancel(actor=cast.worker, event=event, reason="下雨")
    notice = Notification.objects.get(
        recipient=cast.worker, kind="activity_cancelled", copy_for=None
    )
    assert notice.rendered.title == "An activity you signed 王奶奶 up for is cancelled"


def test_on_behalf_refusals_change_nothing(world, cast, granny):
    event = make_event(world, cast.worker, min_age=70)
    young = ResidentFactory(
        name="小张", household=world.liu_household, birth_date=dt.date(1990, 1, 1)
    )
    with pytest.raises(ActivityError, match="aged 70 and over"):
        signups.signup_for_resident(actor=cast.worker, event=event, resident=young)
    # A resident of another community's register: the worker of 三江 may not reach her.
    with pytest.raises(PermissionDenied):
        signups.signup_for_resident(actor=cast.worker, event=event, resident=world.other_resident)
    # Not an organiser of the event.
    with pytest.raises(PermissionDenied):
        signups.signup_for_resident(actor=cast.other_worker, event=event, resident=granny)
    granny.status = Resident.Status.MOVED_OUT
    granny.save(update_fields=["status"])
    with pytest.raises(ActivityError, match="no longer lives here"):
        signups.signup_for_resident(
            actor=cast.worker, event=make_event(world, cast.worker), resident=granny
        )
    assert not SignUp.objects.exists()


# --- walk-ins at the door -----------------------------------------------------------------


def test_walk_ins_are_added_from_two_hours_before_the_start(world, cast, granny):
    later = make_event(world, cast.worker)  # in three days
    with pytest.raises(ActivityError, match="from two hours before the start"):
        walk_ins.walk_in_add(actor=cast.worker, event=later, resident=granny)
    event = _soon(world, cast, max_companions=2)
    s, added = walk_ins.walk_in_add(actor=cast.worker, event=event, resident=granny, companions=2)
    assert added and s.walk_in and s.state == SignUp.State.ATTENDED
    assert s.checked_in_at == pytest.approx(timezone.now(), abs=dt.timedelta(seconds=5))
    guest, added = walk_ins.walk_in_add(actor=cast.worker, event=event, guest_name=" 李\u200b叔 ")
    assert added and guest.guest_name == "李叔" and guest.resident is None and guest.person is None
    assert AuditEntry.objects.filter(detail="walk-in added at the door").count() == 2
    # Guests are counted as coming, not as residents reached.
    f = figures.event_figures(event)
    assert f.attended == 2 and f.reached == 1


def test_someone_signed_up_is_checked_in_instead_of_added_twice(world, cast):
    event = _soon(world, cast)
    mine = signups.signup_create(actor=cast.liu, event=event)
    s, added = walk_ins.walk_in_add(actor=cast.worker, event=event, resident=world.liu)
    assert not added and s.pk == mine.pk and s.state == SignUp.State.ATTENDED
    assert not s.walk_in
    assert SignUp.objects.filter(event=event).count() == 1


def test_walk_ins_never_exceed_the_places(world, cast, granny):
    event = _soon(world, cast, capacity=2)
    signups.signup_create(actor=cast.liu, event=event)
    walk_ins.walk_in_add(actor=cast.worker, event=event, guest_name="李叔")
    with pytest.raises(ActivityError, match=r"No places are left \(2 of 2"):
        walk_ins.walk_in_add(actor=cast.worker, event=event, resident=granny)
    assert SignUp.objects.filter(event=event).count() == 2


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"guest_name": ""}, "guest_name", "Enter the guest's name."),
        ({"guest_name": "\u200b"}, "guest_name", "Enter the guest's name."),
        ({"guest_name": "长" * 51}, "guest_name", "at most 50 characters"),
        ({"guest_name": "李叔", "companions": 1}, "companions", "takes no companions"),
    ],
)
def test_bad_walk_ins_are_refused_with_nothing_saved(world, cast, kw, field, message):
    event = _soon(world, cast)
    with pytest.raises(ActivityError) as refused:
        walk_ins.walk_in_add(actor=cast.worker, event=event, **kw)
    assert message in " ".join(refused.value.message_dict[field])
    assert not SignUp.objects.exists()


def test_only_the_organisers_add_walk_ins(world, cast, granny):
    event = _soon(world, cast)
    for user in (cast.liu, cast.volunteer, cast.other_worker, cast.outsider):
        with pytest.raises(PermissionDenied):
            walk_ins.walk_in_add(actor=user, event=event, guest_name="李叔")
    with pytest.raises(PermissionDenied):  # a resident outside the worker's register
        walk_ins.walk_in_add(actor=cast.worker, event=event, resident=world.other_resident)


# --- the page -----------------------------------------------------------------------------


def test_the_page_finds_a_resident_and_adds_them_at_the_door(world, cast, granny, login):
    event = _soon(world, cast)
    client = login(cast.worker)
    url = reverse("activities:people-add", args=[event.uuid])
    page = client.get(url, {"q": "王奶"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "王奶奶" in body and "Came at the door" in body
    assert "王阿姨" not in body  # another community's register
    posted = client.post(
        url, {"mode": "door", "resident": str(granny.uuid), "q": "王奶"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert posted.status_code == 302 and posted["Location"] == f"{url}?q=%E7%8E%8B%E5%A5%B6"
    assert SignUp.objects.get(event=event).resident == granny
    page = client.get(posted["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "王奶奶 came: added at the door." in page.content.decode()
    # The console shows her, marked.
    console = client.get(
        reverse("activities:console", args=[event.uuid]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "王奶奶" in console and "at the door" in console


def test_the_page_signs_up_before_the_door_opens_and_refuses_in_the_users_language(
    world, cast, granny, login
):
    event = make_event(world, cast.worker, capacity=1)
    client = login(cast.worker)
    url = reverse("activities:people-add", args=[event.uuid])
    assert "Sign up" in client.get(url, {"q": "王"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(url, {"mode": "sign_up", "resident": str(granny.uuid)})
    again = client.post(
        url, {"mode": "sign_up", "resident": str(granny.uuid)}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert again.status_code == 302
    shown = client.get(again["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "王奶奶 已报名这个活动。" in shown
    assert SignUp.objects.filter(event=event).count() == 1
    # A guest cannot be added before the door opens; an unknown resident is refused.
    client.post(url, {"mode": "door", "guest_name": "李叔"})
    client.post(url, {"mode": "sign_up", "resident": "00000000-0000-0000-0000-000000000000"})
    assert SignUp.objects.filter(event=event).count() == 1


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("elderly", [False, True])
def test_the_page_renders_in_every_language_and_in_elderly_mode(
    world, cast, granny, login, lang, elderly
):
    event = _soon(world, cast)
    cast.worker.elderly_mode = elderly
    cast.worker.save(update_fields=["elderly_mode"])
    client = login(cast.worker)
    walk_ins.walk_in_add(actor=cast.worker, event=event, guest_name="李叔")
    with translation.override(lang):
        url = reverse("activities:people-add", args=[event.uuid])
    page = client.get(url, {"q": "王奶"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    body = page.content.decode()
    assert "王奶奶" in body and "李叔" in body
    expected = {"zh-hans": "现场签到", "zh-hant": "現場簽到", "en": "Came at the door"}[lang]
    assert expected in body
    assert ('<body class="elderly"' in body) == elderly


def test_the_page_is_404_to_everyone_but_the_organisers(world, cast, login):
    event = _soon(world, cast)
    url = reverse("activities:people-add", args=[event.uuid])
    for user in (cast.liu, cast.volunteer, cast.other_worker, cast.outsider):
        assert login(user).get(url).status_code == 404
        assert login(user).post(url, {"mode": "door", "guest_name": "李叔"}).status_code == 404
    assert not SignUp.objects.exists()


# --- the API ------------------------------------------------------------------------------


def _api(client, user, path, body):
    secret = token_create(actor=user, name="test")[1]
    return client.post(
        f"/api/v1/activities/events/{path}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_api_adds_walk_ins_and_signs_up_for_residents(world, cast, granny, client):
    event = _soon(world, cast)
    got = _api(client, cast.worker, f"{event.uuid}/walk-ins", {"name": "李叔"})
    assert got.status_code == 201, got.content
    assert got.json()["name"] == "李*" and got.json()["state"] == "attended"
    later = make_event(world, cast.worker)
    got = _api(
        client, cast.worker, f"{later.uuid}/signups/for-resident", {"resident": str(granny.uuid)}
    )
    assert got.status_code == 201 and got.json()["state"] == "confirmed"
    signups.signup_create(actor=cast.liu, event=event)
    got = _api(client, cast.worker, f"{event.uuid}/walk-ins", {"resident": str(world.liu.uuid)})
    assert got.status_code == 200 and got.json()["added"] is False


def test_the_api_refuses_bad_walk_ins_in_the_callers_language(world, cast, client):
    event = _soon(world, cast)
    got = _api(client, cast.worker, f"{event.uuid}/walk-ins", {"name": ""})
    assert got.status_code == 422 and "Enter the guest's name." in got.content.decode()
    got = _api(
        client, cast.worker, f"{event.uuid}/walk-ins", {"resident": str(world.other_resident.uuid)}
    )
    assert got.status_code == 422 and "not in the register you may see" in got.content.decode()
    for user in (cast.liu, cast.outsider):
        assert _api(client, user, f"{event.uuid}/walk-ins", {"name": "李叔"}).status_code == 404
    assert not SignUp.objects.exists()


# --- the race -----------------------------------------------------------------------------


def test_walk_ins_racing_sign_ups_never_exceed_the_places(
    transactional_db, world, cast, live_server
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's single writer never lets the requests overlap")
    event = _soon(world, cast, capacity=4)
    base = f"{live_server.url}/api/v1/activities/events/{event.uuid}"
    worker = token_create(actor=cast.worker, name="door")[1]
    calls = []
    for i in range(6):
        user = UserFactory(name=f"居民{i}")
        assign(user, Role.RESIDENT, world.tuoyuan)
        calls.append((f"{base}/signups", token_create(actor=user, name="race")[1], None))
        calls.append((f"{base}/walk-ins", worker, {"name": f"客人{i}"}))
    results = race(calls)
    assert all(status in (200, 201, 422) for status, _ in results), results
    held = SignUp.objects.filter(event=event, state__in=SignUp.TAKING_STATES).count()
    assert held == 4
    # Every resident got an answer (a place or the waiting list); no walk-in slipped past.
    assert SignUp.objects.filter(event=event, walk_in=False).count() == 6
