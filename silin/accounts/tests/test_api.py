"""The signed-in user and their access tokens over the API."""

from __future__ import annotations

import pytest

from silin.accounts.models import AccessToken
from silin.accounts.services import token_create
from silin.core.tests.api_helpers import API, assert_error, client_for

pytestmark = pytest.mark.django_db

CAST = ["street_admin", "worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]


@pytest.mark.parametrize("who", CAST)
def test_me_describes_the_user_with_a_masked_mobile(cast, who):
    user = getattr(cast, who)
    body = client_for(user).get(f"{API}/me").json()
    assert body["name"] == user.name
    assert body["mobile_masked"] == user.mobile[:3] + "****" + user.mobile[-4:]
    assert user.mobile not in str(body)
    assert set(body) == {"uuid", "name", "mobile_masked", "elderly_mode", "language", "roles"}
    assert len(body["roles"]) == (0 if who == "outsider" else 1)


def test_me_lists_roles_with_their_node(cast, world):
    body = client_for(cast.liu).get(f"{API}/me", headers={"accept-language": "en"}).json()
    assert body["roles"] == [
        {
            "role": "resident",
            "label": "Resident",
            "node_type": "compound",
            "node_uuid": str(world.tuoyuan.uuid),
            "node_name": "沱源",
        }
    ]


@pytest.mark.parametrize("who", CAST)
def test_everyone_can_make_list_and_revoke_their_own_tokens(cast, who):
    client = client_for(getattr(cast, who))
    response = client.post(f"{API}/tokens", {"name": "平板"}, content_type="application/json")
    assert response.status_code == 201
    made = response.json()
    assert made["secret"].startswith("sl_") and made["active"] is True
    listed = client.get(f"{API}/tokens").json()
    assert [t["uuid"] for t in listed] == [made["uuid"]]
    assert "secret" not in listed[0]
    assert client.delete(f"{API}/tokens/{made['uuid']}").status_code == 204
    assert client.get(f"{API}/tokens").json()[0]["active"] is False


def test_someone_elses_token_answers_404_and_stays_active(cast):
    token, _ = token_create(actor=cast.worker, name="tablet")
    response = client_for(cast.other_worker).delete(f"{API}/tokens/{token.uuid}")
    assert_error(response, 404, "not_found")
    assert client_for(cast.other_worker).get(f"{API}/tokens").json() == []
    token.refresh_from_db()
    assert token.active


def test_a_token_cannot_make_more_tokens(cast):
    _, secret = token_create(actor=cast.worker, name="tablet")
    client = client_for()
    response = client.post(
        f"{API}/tokens",
        {"name": "another"},
        content_type="application/json",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert_error(response, 401, "not_authenticated")
    assert AccessToken.objects.count() == 1


def test_blank_token_name_answers_422_in_chinese(cast):
    response = client_for(cast.worker).post(
        f"{API}/tokens", {"name": "  "}, content_type="application/json"
    )
    assert assert_error(response, 422, "invalid")["fields"] == {"name": ["请给令牌起个名字。"]}
