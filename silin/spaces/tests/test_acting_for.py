"""Acting for someone (亲情账号): the powers matrix over pages and endpoints, revocation on
the next request (an open session too), no staff capability, the audit and "My data"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from silin.accounts.tests.factories import UserFactory
from silin.core.acting import Power
from silin.core.models import AuditEntry
from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.people.acting import SESSION_KEY
from silin.people.proxy_models import ActingUser
from silin.people.services import proxies
from silin.people.tests.proxy_fixtures import grant, grant_booking_link, make_daughter
from silin.spaces.models import Booking
from silin.spaces.tests.factories import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def daughter(cast):
    return make_daughter()


@pytest.fixture
def booking_link(cast, daughter):
    return grant_booking_link(cast, daughter)


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _acting_client(login, proxy, link):
    client = login(proxy)
    response = client.post(reverse("people:acting-start", args=[link.uuid]))
    assert response.status_code == 302 and response.url == reverse("people:acting-home")
    return client


def _slot(start):
    end = start.replace(hour=start.hour + 1)
    return {"starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{end:%Y-%m-%dT%H:%M}"}


def test_the_daughter_books_the_chess_room_for_her_father_and_both_are_recorded(
    cast, daughter, booking_link, room, login, clock
):
    clock.move_to(8)
    client = _acting_client(login, daughter, booking_link)
    home = client.get(reverse("people:acting-home")).content.decode()
    assert "刘大爷" in home and 'id="acting-banner"' in home
    data = {**_slot(local(2, 9)), "purpose": "下象棋", "attendees": "2"}
    response = client.post(reverse("spaces:booking-create", args=[room.uuid]), data)
    assert response.status_code == 302, response.content
    booking = Booking.objects.get()
    assert booking.booker == cast.liu
    entry = AuditEntry.objects.get(object_type="spaces.booking", object_uuid=str(booking.uuid))
    assert entry.actor_id == daughter.pk and entry.actor_label == "刘小红"
    assert entry.on_behalf_of_id == cast.liu.pk and entry.on_behalf_of_label == "刘大爷"
    # 刘大爷 sees who booked what for him on his "My data" page.
    page = login(cast.liu).get(reverse("people:my-data"), **EN).content.decode()
    assert "Done for you by your family" in page
    assert "刘小红" in page and "棋牌室" in page


# Every power × the pages a resident reaches: open only where the power's app registered
# them (core.acting); everything else 403 while acting, whatever the principal could do.
PAGES_BY_POWER = {
    Power.BOOK_SPACES: {"spaces:space-list", "spaces:booking-mine"},
    Power.SEE_MY_DATA: {"people:my-data"},
    Power.RECEIVE_NOTICES: set(),  # copies go to the proxy's own notices
    Power.SIGN_UP_ACTIVITIES: set(),  # the pillars register theirs when they are built
    Power.ASK_HELP: set(),
    Power.HOUSEHOLD_VOTE: set(),
}
PAGES = sorted(
    set().union(*PAGES_BY_POWER.values())
    | {
        "notifications:notification-list",
        "accounts:profile",
        "accounts:password-change",
        "people:family",
        "people:proxy-invite",
        "people:correction-create",
        "organizations:organization-list",
        "places:community-list",
    }
)


@pytest.mark.parametrize("power", list(Power))
@pytest.mark.parametrize("url_name", PAGES)
def test_the_powers_matrix_over_pages(cast, daughter, login, power, url_name):
    link = grant(cast.liu, daughter, powers=(power,))
    client = _acting_client(login, daughter, link)
    response = client.get(reverse(url_name))
    if url_name in PAGES_BY_POWER[power]:
        assert response.status_code == 200
        assert 'id="acting-banner"' in response.content.decode()
    else:
        assert response.status_code == 403
        assert "刘大爷" in response.content.decode()


API_BY_POWER = {
    Power.BOOK_SPACES: {"/spaces", "/bookings/mine", "/waitlist/mine"},
}
API_PATHS = sorted(
    {"/spaces", "/bookings/mine", "/waitlist/mine", "/me", "/residents", "/proxy-links"}
    | {"/organizations", "/communities", "/households"}
)


@pytest.mark.parametrize("power", list(Power))
@pytest.mark.parametrize("path", API_PATHS)
def test_the_powers_matrix_over_endpoints(cast, daughter, power, path):
    grant(cast.liu, daughter, powers=(power,))
    response = _api(daughter, "get", path, cast.liu.uuid)
    if path in API_BY_POWER.get(power, set()):
        assert response.status_code == 200, response.content
    else:
        assert_error(response, 403, "permission_denied")


@pytest.mark.parametrize(
    "url_name",
    ["people:resident-list", "console:audit-list", "spaces:approval-queue", "spaces:figures"],
)
def test_a_worker_acting_for_a_resident_holds_no_staff_capability(cast, world, login, url_name):
    link = grant(cast.liu, cast.worker, powers=list(Power.values))
    client = _acting_client(login, cast.worker, link)
    assert client.get(reverse(url_name)).status_code in (403, 404)
    register_record = reverse("people:resident-detail", args=[world.liu.uuid])
    assert client.get(register_record).status_code == 403  # book_spaces: not the register


def test_revocation_takes_effect_on_the_next_request_of_an_open_session(
    cast, daughter, booking_link, room, login, clock
):
    clock.move_to(8)
    client = _acting_client(login, daughter, booking_link)
    assert client.get(reverse("spaces:space-list")).status_code == 200
    proxies.proxy_revoke(actor=cast.liu, link=booking_link)
    data = {**_slot(local(2, 9)), "purpose": "下象棋", "attendees": "2"}
    response = client.post(reverse("spaces:booking-create", args=[room.uuid]), data)
    # Refused, not run as the daughter herself: nothing is booked for anyone.
    assert response.status_code == 302 and response.url == reverse("people:helping")
    assert not Booking.objects.exists()
    assert SESSION_KEY not in client.session
    # Her own pages work again, as herself.
    assert client.get(reverse("spaces:space-list")).context["user"] == daughter


def test_the_father_revokes_in_one_tap_from_my_family(cast, daughter, booking_link, login):
    client = login(cast.liu)
    page = client.get(reverse("people:family")).content.decode()
    assert "刘小红" in page and "SJ-2026-001" in page
    response = client.post(reverse("people:proxy-revoke", args=[booking_link.uuid]))
    assert response.status_code == 302
    booking_link.refresh_from_db()
    assert booking_link.state == "revoked"


def test_outsiders_cannot_touch_a_link_or_act_under_it(cast, daughter, booking_link, login):
    client = login(cast.outsider)
    for name in ("proxy-revoke", "proxy-accept", "proxy-step-down", "acting-start"):
        assert client.post(reverse(f"people:{name}", args=[booking_link.uuid])).status_code == 404
    assert SESSION_KEY not in client.session


def test_stopping_acting_returns_to_ones_own_pages(cast, daughter, booking_link, login):
    client = _acting_client(login, daughter, booking_link)
    client.post(reverse("people:acting-stop"))
    assert client.get(reverse("people:helping")).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_worker_records_a_consent_from_the_residents_page(cast, world, daughter, login):
    client = login(cast.worker)
    detail = client.get(reverse("people:resident-detail", args=[world.liu.uuid])).content.decode()
    assert 'id="record-proxy"' in detail
    url = reverse("people:proxy-consent", args=[world.liu.uuid])
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"mobile": daughter.mobile, "relation": "daughter", "powers": ["book_spaces"]}
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "mobile": daughter.mobile,
            "relation": "daughter",
            "powers": ["book_spaces", "receive_notices"],
            "paper_number": "SJ-7",
        },
    )
    assert ok.status_code == 302
    assert login(cast.other_worker).get(url).status_code == 404


# --- the API: X-Acting-For ------------------------------------------------------------------


def _api(user, method, path, acting_for=None, body=None):
    headers = {"HTTP_X_ACTING_FOR": str(acting_for)} if acting_for else {}
    client = client_for(user)
    call = getattr(client, method)
    if method == "post":
        return call(f"{API}{path}", body or {}, content_type="application/json", **headers, **EN)
    return call(f"{API}{path}", **headers, **EN)


def test_the_api_books_for_the_father_with_x_acting_for(cast, daughter, booking_link, room, clock):
    clock.move_to(8)
    start = local(2, 9)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": start.replace(hour=10).isoformat(),
        "purpose": "下象棋",
        "attendees": 2,
    }
    response = _api(daughter, "post", f"/spaces/{room.uuid}/bookings", cast.liu.uuid, body)
    assert response.status_code == 201, response.content
    assert Booking.objects.get().booker == cast.liu
    entry = AuditEntry.objects.get(object_type="spaces.booking")
    assert (entry.actor_id, entry.on_behalf_of_id) == (daughter.pk, cast.liu.pk)
    mine = _api(daughter, "get", "/bookings/mine", cast.liu.uuid).json()
    assert len(mine["results"]) == 1


def test_the_api_refuses_acting_for_someone_without_a_link_or_after_revocation(
    cast, daughter, booking_link
):
    assert _api(daughter, "get", "/spaces", cast.liu.uuid).status_code == 200
    assert_error(_api(daughter, "get", "/spaces", cast.volunteer.uuid), 403, "permission_denied")
    assert_error(_api(daughter, "get", "/spaces", "not-a-uuid"), 403, "permission_denied")
    proxies.proxy_revoke(actor=cast.liu, link=booking_link)
    error = assert_error(_api(daughter, "get", "/spaces", cast.liu.uuid), 403, "permission_denied")
    assert "not any more" in error["message"]


def test_acting_for_a_superuser_gives_no_staff_power_and_no_model_permission(
    cast, world, daughter, login
):
    boss = UserFactory(name="管理员", mobile="13900000099", is_staff=True, is_superuser=True)
    link = grant(boss, daughter, powers=list(Power.values))
    client = _acting_client(login, daughter, link)
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get(reverse("people:resident-list")).status_code == 403
    acting_user = ActingUser.for_link(link, daughter)
    assert not acting_user.has_perm("people.change_resident", world.liu)
    assert not acting_user.has_perm("people.browse_register")
    assert acting_user.get_all_permissions() == set()
    with pytest.raises(PermissionDenied):
        acting_user.save()
    boss.refresh_from_db()
    assert boss.is_superuser  # the account itself is untouched


def test_a_worker_revokes_from_the_residents_page(cast, world, daughter, booking_link, login):
    response = login(cast.worker).post(
        reverse("people:proxy-revoke", args=[booking_link.uuid]), {"back": "register"}
    )
    assert response.status_code == 302
    assert response.url == reverse("people:resident-detail", args=[world.liu.uuid])
    booking_link.refresh_from_db()
    assert booking_link.state == "revoked" and booking_link.ended_by == cast.worker
    other = login(cast.other_worker).post(reverse("people:proxy-revoke", args=[booking_link.uuid]))
    assert other.status_code == 404


def test_the_header_offers_the_switch_to_the_people_one_helps(cast, daughter, booking_link, login):
    page = login(daughter).get(reverse("spaces:space-list")).content.decode()
    start = reverse("people:acting-start", args=[booking_link.uuid])
    assert f'action="{start}" class="acting-switch' in page and "刘大爷" in page
    assert (
        "acting-switch"
        not in login(cast.volunteer).get(reverse("spaces:space-list")).content.decode()
    )
