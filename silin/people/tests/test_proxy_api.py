"""Family proxies over the API: invite, accept, list, revoke; the error schema; scoping."""

from __future__ import annotations

import pytest

from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.people.proxy_models import ProxyLink
from silin.people.tests.proxy_fixtures import make_daughter

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post(user, path, body=None, **headers):
    return client_for(user).post(
        f"{API}{path}", body or {}, content_type="application/json", **EN, **headers
    )


def test_invite_accept_list_and_revoke_through_the_api(cast):
    daughter = make_daughter()
    body = {"mobile": daughter.mobile, "relation": "daughter", "powers": ["book_spaces"]}
    created = _post(cast.liu, "/proxy-links", body)
    assert created.status_code == 201, created.content
    link = created.json()
    assert link["state"] == "invited" and link["consent_method"] == "own_phone"
    assert link["principal"]["uuid"] == str(cast.liu.uuid)
    accepted = _post(daughter, f"/proxy-links/{link['uuid']}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "active"
    mine = client_for(daughter).get(f"{API}/proxy-links").json()
    assert [m["uuid"] for m in mine] == [link["uuid"]]
    assert client_for(cast.outsider).get(f"{API}/proxy-links").json() == []
    revoked = _post(cast.liu, f"/proxy-links/{link['uuid']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"


def test_bad_input_answers_422_in_the_error_schema_and_changes_nothing(cast):
    error = assert_error(
        _post(cast.liu, "/proxy-links", {"mobile": "123", "relation": "son", "powers": ["x"]}),
        422,
        "invalid",
    )
    assert "powers.0" in error["fields"]
    error = assert_error(
        _post(cast.liu, "/proxy-links", {"mobile": "123", "relation": "son", "powers": []}),
        422,
        "invalid",
    )
    error = assert_error(
        _post(
            cast.liu,
            "/proxy-links",
            {"mobile": "12345", "relation": "son", "powers": ["book_spaces"]},
        ),
        422,
        "invalid",
    )
    assert "mobile" in error["fields"]
    assert not ProxyLink.objects.exists()


def test_outsiders_get_404_and_the_wrong_party_cannot_accept(cast):
    daughter = make_daughter()
    body = {"mobile": daughter.mobile, "relation": "daughter", "powers": ["book_spaces"]}
    link = _post(cast.liu, "/proxy-links", body).json()
    for user in (cast.outsider, cast.other_worker):
        assert_error(_post(user, f"/proxy-links/{link['uuid']}/revoke"), 404, "not_found")
    # 刘大爷 cannot accept for his daughter: the link is his, the answer is hers.
    assert_error(_post(cast.liu, f"/proxy-links/{link['uuid']}/accept"), 404, "not_found")
    assert_error(_post(daughter, "/proxy-links/not-a-uuid/accept"), 404, "not_found")


def test_links_cannot_be_made_while_acting(cast):
    daughter = make_daughter()
    body = {"mobile": daughter.mobile, "relation": "daughter", "powers": ["book_spaces"]}
    link = _post(cast.liu, "/proxy-links", body).json()
    _post(daughter, f"/proxy-links/{link['uuid']}/accept")
    again = {"mobile": cast.volunteer.mobile, "relation": "carer", "powers": ["book_spaces"]}
    response = _post(daughter, "/proxy-links", again, HTTP_X_ACTING_FOR=str(cast.liu.uuid))
    assert_error(response, 403, "permission_denied")
    assert ProxyLink.objects.count() == 1
