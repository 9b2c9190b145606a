"""Real concurrent requests for the PostgreSQL race tests of every pillar: each call is an
HTTP POST to the live server from its own thread, all released at once by a barrier."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection


def post_json(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the live server on loopback
        url,
        data=json.dumps(body if body is not None else {"companions": 0}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def race(calls: list[tuple[str, str, dict | None]]) -> list[tuple[int, dict]]:
    """POST every (url, token, body) at once, each from its own thread."""
    start = threading.Barrier(len(calls))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def run(call):
        start.wait()
        outcome = post_json(*call)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's single writer never lets the requests overlap")
