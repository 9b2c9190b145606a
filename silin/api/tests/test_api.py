"""The API's shared behaviour: authentication, the error schema, pagination, OpenAPI."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from silin.accounts.services import token_create, token_revoke
from silin.api.openapi import OPENAPI_PATH, REGENERATE, render_openapi
from silin.core.api.pagination import MAX_PAGE_SIZE
from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.people.tests.factories import make_residents

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("get", "/me"),
    ("get", "/tree"),
    ("get", "/communities"),
    ("get", "/households"),
    ("get", "/residents"),
    ("post", "/residents"),
    ("get", "/organizations"),
    ("get", "/tokens"),
    ("post", "/tokens"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_anonymous_request_answers_401_with_the_error_schema(method, path):
    response = getattr(Client(), method)(API + path, content_type="application/json")
    error = assert_error(response, 401, "not_authenticated")
    assert error["fields"] == {}


def test_anonymous_request_to_an_object_answers_401_not_404(world):
    assert_error(Client().get(f"{API}/residents/{world.liu.uuid}"), 401, "not_authenticated")


def test_bearer_token_authenticates(cast):
    _, secret = token_create(actor=cast.worker, name="grid tablet")
    response = Client().get(f"{API}/me", headers={"authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json()["name"] == "三江社工"


def test_revoked_token_answers_401(cast):
    token, secret = token_create(actor=cast.worker, name="old tablet")
    token_revoke(actor=cast.worker, token=token)
    response = Client().get(f"{API}/me", headers={"authorization": f"Bearer {secret}"})
    assert_error(response, 401, "not_authenticated")


@pytest.mark.parametrize("header", ["Bearer sl_not-a-real-token", "Bearer ", "Basic abc", "sl_x"])
def test_unknown_or_malformed_token_answers_401(cast, header):
    assert_error(
        Client().get(f"{API}/me", headers={"authorization": header}), 401, "not_authenticated"
    )


def test_token_of_an_inactive_user_answers_401(cast):
    _, secret = token_create(actor=cast.worker, name="tablet")
    cast.worker.is_active = False
    cast.worker.save(update_fields=["is_active"])
    response = Client().get(f"{API}/me", headers={"authorization": f"Bearer {secret}"})
    assert_error(response, 401, "not_authenticated")


def test_session_write_without_csrf_token_is_refused(cast, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.worker)
    response = client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert_error(response, 403, "csrf_failed")


def test_session_write_with_csrf_token_is_accepted(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.worker)
    client.get("/accounts/login/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"x-csrftoken": token},
    )
    assert response.status_code == 201


def test_token_write_needs_no_csrf_token(cast, world):
    _, secret = token_create(actor=cast.worker, name="tablet")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"{API}/residents/{world.liu.uuid}",
        {"note": "via token"},
        content_type="application/json",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.content


def test_unknown_path_and_malformed_uuid_answer_404_with_the_error_schema(cast):
    client = client_for(cast.worker)
    assert_error(client.get(f"{API}/no-such-thing"), 404, "not_found")
    assert_error(client.get(f"{API}/residents/not-a-uuid"), 404, "not_found")


def test_malformed_query_answers_422_with_field_errors_in_chinese_by_default(cast):
    response = client_for(cast.worker).get(f"{API}/residents?min_age=old&page=0")
    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == {"min_age", "page"}
    assert error["fields"]["min_age"] == ["请填写整数。"]
    assert "请检查" in error["message"]


def test_malformed_query_answers_422_in_english_with_accept_language_en(cast):
    response = client_for(cast.worker).get(
        f"{API}/residents?min_age=old", headers={"accept-language": "en"}
    )
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {"min_age": ["Enter a whole number."]}


def test_body_that_is_not_json_answers_400_with_the_error_schema(cast):
    response = client_for(cast.worker).post(
        f"{API}/residents",
        "{not json",
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    error = assert_error(response, 400, "bad_request")
    assert error["message"] == "The request body could not be read. Please send JSON."


def test_unknown_body_field_is_refused_rather_than_ignored(cast):
    response = client_for(cast.worker).post(
        f"{API}/tokens",
        {"name": "x", "owner": "someone"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {"owner": ["This field is not accepted here."]}


def test_user_language_applies_to_token_clients_without_accept_language(cast):
    cast.worker.language = "en"
    cast.worker.save(update_fields=["language"])
    _, secret = token_create(actor=cast.worker, name="tablet")
    response = Client().get(
        f"{API}/residents?min_age=x", headers={"authorization": f"Bearer {secret}"}
    )
    assert assert_error(response, 422, "invalid")["fields"] == {
        "min_age": ["Enter a whole number."]
    }


def test_pagination_shape_and_page_size_cap(cast, world):
    make_residents(world.liu_household, 3)
    client = client_for(cast.worker)
    body = client.get(f"{API}/residents?page_size=2&page=2").json()
    assert set(body) == {"count", "page", "page_size", "results"}
    assert (body["count"], body["page"], body["page_size"]) == (4, 2, 2)
    assert len(body["results"]) == 2
    body = client.get(f"{API}/residents?page_size=5000").json()
    assert body["page_size"] == MAX_PAGE_SIZE
    body = client.get(f"{API}/residents?page=99").json()
    assert body["results"] == [] and body["count"] == 4


def test_docs_page_is_served(cast):
    assert client_for(cast.worker).get(f"{API}/docs").status_code == 200


def test_committed_openapi_schema_is_up_to_date():
    committed = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
    assert render_openapi() == committed, (
        f"docs/openapi.json is out of date with the API. Regenerate it with:\n    {REGENERATE}"
    )


def test_every_documented_error_answer_uses_the_one_error_schema():
    schema = json.loads(render_openapi())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, status)
