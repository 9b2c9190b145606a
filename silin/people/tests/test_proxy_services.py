"""Family proxies: consent both ways, revoking and stepping down, the limits, the notices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from silin.accounts.models import User
from silin.accounts.tests.factories import UserFactory
from silin.core.acting import Power
from silin.core.models import AuditEntry
from silin.core.request_context import reset_acting, set_acting
from silin.lib.dates import birth_date_for_age
from silin.notifications.models import Notification
from silin.notifications.services import notification_send
from silin.people.proxy_models import (
    MAX_PRINCIPALS_PER_PROXY,
    MAX_PROXIES_PER_PRINCIPAL,
    ActingUser,
    ProxyLink,
)
from silin.people.services import proxies
from silin.people.tests.factories import ResidentFactory
from silin.people.tests.proxy_fixtures import grant, grant_booking_link, make_daughter

pytestmark = pytest.mark.django_db


@pytest.fixture
def daughter(cast):
    return make_daughter()


@pytest.fixture
def booking_link(cast, daughter):
    return grant_booking_link(cast, daughter)


def test_a_worker_records_a_consent_in_person_and_the_daughter_accepts(cast, daughter):
    powers = (Power.BOOK_SPACES, Power.RECEIVE_NOTICES)
    link = grant(cast.liu, daughter, actor=cast.worker, powers=powers, accept=False)
    assert link.state == ProxyLink.State.INVITED
    assert link.consent_method == "in_person" and link.consent_recorded_by == cast.worker
    assert link.consent_paper_number == "SJ-2026-001"
    invitation = Notification.objects.get(recipient=daughter)
    assert invitation.kind == proxies.INVITED_NOTICE and invitation.sms
    link = proxies.proxy_accept(actor=daughter, link=link)
    assert link.state == ProxyLink.State.ACTIVE and link.accepted_at is not None
    told = Notification.objects.get(recipient=cast.liu, kind=proxies.ACCEPTED_NOTICE)
    with translation.override("en"):
        assert told.rendered.title == "刘小红 now acts for you"
    # Notices about the links themselves are never copied to the proxies.
    assert Notification.objects.filter(recipient=daughter).count() == 1
    actions = list(
        AuditEntry.objects.filter(object_uuid=str(link.uuid)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["grant", "update"]


def test_consent_in_person_needs_the_papers_number_and_a_worker_over_the_record(cast, daughter):
    with pytest.raises(ValidationError) as exc:
        proxies.proxy_invite(
            actor=cast.worker,
            principal=cast.liu,
            mobile=daughter.mobile,
            relation="daughter",
            powers=["book_spaces"],
        )
    assert "paper_number" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        grant(cast.liu, daughter, actor=cast.other_worker)  # 金龙's worker: not his record
    assert not ProxyLink.objects.exists()


def test_inviting_a_mobile_without_an_account_makes_one_that_signs_in_by_code(cast):
    link = proxies.proxy_invite(
        actor=cast.liu,
        principal=cast.liu,
        mobile="137 0000 0009",
        name="刘小军",
        relation="son",
        powers=["book_spaces"],
    )
    son = User.objects.get(mobile="13700000009")
    assert link.proxy == son and son.name == "刘小军" and not son.has_usable_password()
    assert link.consent_method == "own_phone"


def test_bad_input_changes_nothing(cast, daughter):
    bad = [
        {"mobile": "12345", "relation": "son", "powers": ["book_spaces"]},
        {"mobile": daughter.mobile, "relation": "boss", "powers": ["book_spaces"]},
        {"mobile": daughter.mobile, "relation": "son", "powers": []},
        {"mobile": daughter.mobile, "relation": "son", "powers": ["manage_spaces"]},
        {"mobile": cast.liu.mobile, "relation": "son", "powers": ["book_spaces"]},
        {
            "mobile": daughter.mobile,
            "relation": "son",
            "powers": ["book_spaces"],
            "ends_on": timezone.localdate() - dt.timedelta(days=1),
        },
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            proxies.proxy_invite(actor=cast.liu, principal=cast.liu, **kwargs)
    assert not ProxyLink.objects.exists()


def test_a_minor_cannot_be_a_proxy(cast, world):
    child = ResidentFactory(
        name="刘小弟",
        household=world.liu_household,
        birth_date=birth_date_for_age(16, today=timezone.localdate()),
    )
    grandson = UserFactory(name="刘小弟", mobile="13700000020", resident=child)
    with pytest.raises(ValidationError) as exc:
        grant(cast.liu, grandson)
    assert "adult" in str(exc.value) or "18" in str(exc.value)


def test_at_most_five_proxies_per_principal_and_five_principals_per_proxy(cast, daughter):
    helpers = [UserFactory(mobile=f"1370000010{i}") for i in range(MAX_PROXIES_PER_PRINCIPAL)]
    for h in helpers:
        grant(cast.liu, h, accept=False)  # invitations count, or six could all accept
    with pytest.raises(ValidationError):
        grant(cast.liu, daughter)
    principals = [UserFactory(mobile=f"1360000010{i}") for i in range(MAX_PRINCIPALS_PER_PROXY)]
    for p in principals:
        grant(p, daughter)
    with pytest.raises(ValidationError):
        grant(UserFactory(mobile="13600000200"), daughter)
    # A revoked link frees its place.
    proxies.proxy_revoke(actor=principals[0], link=ProxyLink.objects.get(principal=principals[0]))
    grant(UserFactory(mobile="13600000201"), daughter)


def test_only_the_principal_or_a_worker_revokes_and_only_the_proxy_steps_down(
    cast, daughter, booking_link
):
    for stranger in (cast.outsider, cast.other_worker, daughter):
        with pytest.raises(PermissionDenied):
            proxies.proxy_revoke(actor=stranger, link=booking_link)
    with pytest.raises(PermissionDenied):
        proxies.proxy_step_down(actor=cast.liu, link=booking_link)
    link = proxies.proxy_revoke(actor=cast.worker, link=booking_link)
    assert link.state == "revoked" and link.ended_by == cast.worker
    assert Notification.objects.filter(recipient=daughter, kind=proxies.ENDED_NOTICE).exists()
    again = proxies.proxy_revoke(actor=cast.liu, link=link)  # already ended: no second entry
    assert again.ended_by == cast.worker
    assert AuditEntry.objects.filter(object_uuid=str(link.uuid), action="revoke").count() == 1


def test_the_daughter_steps_down_and_the_father_is_told(cast, daughter, booking_link):
    proxies.proxy_step_down(actor=daughter, link=booking_link)
    booking_link.refresh_from_db()
    assert booking_link.state == "stepped_down"
    assert Notification.objects.get(recipient=cast.liu, kind=proxies.ENDED_NOTICE)


def test_a_link_past_its_end_date_is_no_longer_in_force(cast, daughter):
    today = timezone.localdate()
    link = grant(cast.liu, daughter, ends_on=today)
    assert proxies.link_in_force(proxy=daughter, link_uuid=link.uuid) == link
    assert ProxyLink.objects.in_force(today + dt.timedelta(days=1)).count() == 0


def test_notices_to_the_father_are_copied_to_the_daughter_holding_receive_notices(
    cast, daughter, booking_link, settings
):
    son = UserFactory(name="刘小军", mobile="13700000009", language="en")
    grant(cast.liu, son, powers=(Power.BOOK_SPACES,))  # no receive_notices: no copy
    Notification.objects.all().delete()
    notification_send(
        user=cast.liu, kind=proxies.INVITED_NOTICE, params={"principal": "x"}, sms=True
    )
    [copy] = Notification.objects.filter(recipient=daughter)
    assert copy.copy_for == cast.liu and copy.sms
    with translation.override("en"):
        assert copy.rendered.title.startswith("For 刘大爷: ")
    assert not Notification.objects.filter(recipient=son).exists()


def test_links_cannot_be_made_while_acting(cast, daughter, booking_link):
    acting_user = ActingUser.for_link(booking_link, daughter)
    token = set_acting(acting_user.acting)
    try:
        with pytest.raises(PermissionDenied):
            grant(cast.liu, cast.volunteer, actor=acting_user)
    finally:
        reset_acting(token)
