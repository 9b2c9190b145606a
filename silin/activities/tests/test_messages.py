"""The organiser's message to everyone signed up: one message stored, a notice each, SMS when
asked, audited, sent once; only the organiser's staff send it; outsiders get 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from silin.accounts import sms
from silin.accounts.tests.factories import UserFactory, assign
from silin.activities.models import EventMessage, SignUp
from silin.activities.services import messages, signups
from silin.activities.services.common import ActivityError
from silin.activities.tests.factories import make_event
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


@pytest.fixture
def full_event(cast, world):
    """Two places, 刘大爷 and 王 with places, 李 waiting."""
    event = make_event(world, cast.worker, capacity=2)
    signups.signup_create(actor=cast.liu, event=event)
    people = []
    for name, mobile in (("王", "13700000001"), ("李", "13700000002")):
        user = UserFactory(name=name, mobile=mobile)
        assign(user, Role.RESIDENT, world.tuoyuan)
        people.append(user)
        signups.signup_create(actor=user, event=event)
    assert SignUp.objects.filter(event=event, state=SignUp.State.WAITING).count() == 1
    return event, people


def test_a_message_goes_once_to_everyone_with_a_place(
    cast, full_event, django_capture_on_commit_callbacks
):
    event, (wang, li) = full_event
    with django_capture_on_commit_callbacks(execute=True):
        sent = messages.event_message_send(actor=cast.worker, event=event, text=" 明天带上棋盘 ")
    assert sent.text == "明天带上棋盘"
    assert sent.recipients == 2
    got = Notification.objects.filter(kind="activity_message", copy_for=None)
    assert {n.recipient for n in got} == {cast.liu, wang}
    assert not sms.outbox  # not asked for
    entry = AuditEntry.objects.get(object_type="activities.eventmessage")
    assert entry.changes["text"] == [None, "明天带上棋盘"]
    notice = got.first()
    with translation.override("en"):
        assert notice.rendered.title == f"Message from the organiser of {event.title}"
        assert notice.rendered.body == "明天带上棋盘"


def test_the_waiting_list_and_sms_when_asked(cast, full_event, django_capture_on_commit_callbacks):
    event, (wang, li) = full_event
    with django_capture_on_commit_callbacks(execute=True):
        sent = messages.event_message_send(
            actor=cast.worker, event=event, text="改到三楼", include_waiting=True, sms=True
        )
    assert sent.recipients == 3
    assert sorted(m for m, _t in sms.outbox) == sorted([cast.liu.mobile, wang.mobile, li.mobile])


def test_the_same_text_twice_is_refused_and_a_day_has_a_limit(cast, full_event):
    event, _people = full_event
    messages.event_message_send(actor=cast.worker, event=event, text="第一条")
    with translation.override("en"), pytest.raises(ActivityError) as exc:
        messages.event_message_send(actor=cast.worker, event=event, text="第一条")
    assert exc.value.message_dict["text"] == ["This message was sent a moment ago already."]
    for i in range(messages.MAX_PER_DAY - 1):
        messages.event_message_send(actor=cast.worker, event=event, text=f"又一条 {i}")
    with pytest.raises(ActivityError):
        messages.event_message_send(actor=cast.worker, event=event, text="太多了")
    assert EventMessage.objects.count() == messages.MAX_PER_DAY


def test_an_empty_or_too_long_message_saves_nothing(cast, full_event):
    event, _people = full_event
    for text in ("   ", "长" * 501):
        with pytest.raises(ActivityError) as exc:
            messages.event_message_send(actor=cast.worker, event=event, text=text)
        assert "text" in exc.value.message_dict
    assert not EventMessage.objects.exists()
    assert not Notification.objects.filter(kind="activity_message").exists()


@pytest.mark.parametrize("who", ["other_worker", "grid_member", "liu", "volunteer", "outsider"])
def test_only_the_organisers_staff_send_messages(who, cast, full_event):
    event, _people = full_event
    with pytest.raises(PermissionDenied):
        messages.event_message_send(actor=getattr(cast, who), event=event, text="你好")
    assert not EventMessage.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 302),
        ("street_admin", 302),
        ("other_worker", 404),
        ("liu", 404),
        ("outsider", 404),
    ],
)
def test_the_console_form_sends_by_plain_post(who, status, cast, full_event, client):
    event, _people = full_event
    client.force_login(getattr(cast, who))
    url = reverse("activities:message-send", args=[event.uuid])
    response = client.post(url, {"text": "带水杯", "confirm": "on"})
    assert response.status_code == status
    assert EventMessage.objects.count() == (1 if status == 302 else 0)
    if status == 302:
        page = client.get(reverse("activities:console", args=[event.uuid])).content.decode()
        assert "带水杯" in page


def test_the_form_needs_the_confirmation_and_says_so_next_to_the_field(cast, full_event, client):
    event, _people = full_event
    client.force_login(cast.worker)
    url = reverse("activities:message-send", args=[event.uuid])
    response = client.post(url, {"text": "带水杯"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tick the box to confirm the message is ready to send." in page
    assert not EventMessage.objects.exists()
    client.post(url, {"text": "带水杯", "confirm": "on"})
    again = client.post(url, {"text": "带水杯", "confirm": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200
    assert "This message was sent a moment ago already." in again.content.decode()
    assert EventMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("worker", True), ("other_worker", False), ("liu", False), ("outsider", False)],
)
def test_the_api_sends_and_lists_messages_for_organisers_only(
    who, allowed, cast, full_event, client
):
    event, _people = full_event
    client.force_login(getattr(cast, who))
    url = f"/api/v1/activities/events/{event.uuid}/messages"
    sent = client.post(url, {"text": "带\u200b水杯"}, content_type="application/json")
    assert sent.status_code == (201 if allowed else 404)
    listed = client.get(url)
    assert listed.status_code == (200 if allowed else 404)
    if allowed:
        assert sent.json()["text"] == "带水杯"  # normalised at the boundary
        assert sent.json()["recipients"] == 2
        assert [m["uuid"] for m in listed.json()] == [sent.json()["uuid"]]
        again = client.post(url, {"text": "带水杯"}, content_type="application/json")
        assert again.status_code == 422
    assert EventMessage.objects.count() == (1 if allowed else 0)
