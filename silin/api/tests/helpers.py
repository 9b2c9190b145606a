"""Helpers shared by every app's test_api.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache and would otherwise carry over between tests."""
    cache.clear()
    yield
    cache.clear()


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


def make_residents(household, count: int, *, start: int = 0, **kwargs) -> list:
    """Residents with distinct, valid ID numbers (the factory's numbers repeat by parity)."""
    import datetime as dt

    from silin.lib import idnumbers
    from silin.people.tests.factories import ResidentFactory

    birth = dt.date(1970, 1, 1)
    return [
        ResidentFactory(
            household=household,
            birth_date=birth,
            gender="F",
            id_number=idnumbers.build("510121", birth, 2 * (start + i) + 500, "F"),
            **kwargs,
        )
        for i in range(count)
    ]
