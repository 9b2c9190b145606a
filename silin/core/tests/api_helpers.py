"""Helpers for every app's test_api.py (silin/conftest.py resets the throttle counts)."""

from __future__ import annotations

from django.test import Client

API = "/api/v1"


def client_for(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def assert_error(response, status: int, code: str) -> dict:
    """The response is the one error schema with this status and code; returns its body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]
