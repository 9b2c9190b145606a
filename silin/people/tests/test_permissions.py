"""Who may open which register page: every member of the cast × every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.core.models import AuditEntry

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]

# GET pages. "liu" pages are 刘大爷's own record (三江); "jinlong" pages are 王阿姨's.
GET_MATRIX = {
    "resident-list": dict(
        street_admin=200,
        worker=200,
        other_worker=200,
        grid_member=200,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
    "resident-detail": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=200,
        liu=200,
        volunteer=404,
        outsider=404,
    ),
    "resident-detail-jinlong": dict(
        street_admin=200,
        worker=404,
        other_worker=200,
        grid_member=404,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
    "resident-create": dict(
        street_admin=200,
        worker=200,
        other_worker=200,
        grid_member=200,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
    "resident-edit": dict(
        street_admin=200,
        worker=200,
        other_worker=404,
        grid_member=200,
        liu=404,
        volunteer=404,
        outsider=404,
    ),
}

REVEAL = dict(
    street_admin=200,
    worker=200,
    other_worker=404,
    grid_member=404,
    liu=404,
    volunteer=404,
    outsider=404,
)


def _url(page: str, world) -> str:
    if page in {"resident-list", "resident-create"}:
        return reverse(f"people:{page}")
    if page == "resident-detail-jinlong":
        return reverse("people:resident-detail", args=[world.other_resident.uuid])
    return reverse(f"people:{page}", args=[world.liu.uuid])


@pytest.mark.parametrize("page", list(GET_MATRIX))
@pytest.mark.parametrize("who", CAST)
def test_each_cast_member_gets_the_expected_status_on_each_register_page(
    page, who, world, cast, login
):
    response = login(getattr(cast, who)).get(_url(page, world))
    assert response.status_code == GET_MATRIX[page][who]


@pytest.mark.parametrize("page", list(GET_MATRIX))
def test_anonymous_visitors_are_sent_to_login_from_register_pages(page, world, client):
    response = client.get(_url(page, world))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("who", CAST)
def test_only_roles_that_may_reveal_get_a_value_and_everyone_else_404(who, world, cast, login):
    url = reverse("people:resident-reveal", args=[world.liu.uuid])
    response = login(getattr(cast, who)).post(url, {"field": "mobile"})
    assert response.status_code == REVEAL[who]
    revealed = AuditEntry.objects.filter(action="reveal", object_uuid=str(world.liu.uuid))
    assert revealed.exists() == (REVEAL[who] == 200)


@pytest.mark.parametrize(
    ("who", "visible"),
    [("street_admin", True), ("worker", True), ("grid_member", False), ("liu", False)],
)
def test_the_show_button_appears_only_for_roles_that_may_reveal(who, visible, world, cast, login):
    response = login(getattr(cast, who)).get(_url("resident-detail", world))
    reveal_url = reverse("people:resident-reveal", args=[world.liu.uuid])
    assert (reveal_url in response.content.decode()) == visible


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 302),
        ("worker", 302),
        ("other_worker", 404),
        ("grid_member", 302),
        ("liu", 404),
        ("volunteer", 404),
        ("outsider", 404),
    ],
)
def test_recording_a_consent_is_for_editors_of_the_residents_area(who, status, world, cast, login):
    url = reverse("people:consent-grant", args=[world.liu.uuid])
    response = login(getattr(cast, who)).post(url, {"purpose": "contact"})
    assert response.status_code == status
    assert world.liu.consents.exists() == (status == 302)


def test_reveal_of_the_jinlong_resident_is_404_for_the_sanjiang_worker(world, cast, login):
    url = reverse("people:resident-reveal", args=[world.other_resident.uuid])
    assert login(cast.worker).post(url, {"field": "id_number"}).status_code == 404
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_reveal_needs_post(world, cast, login):
    url = reverse("people:resident-reveal", args=[world.liu.uuid])
    assert login(cast.worker).get(url).status_code == 405
