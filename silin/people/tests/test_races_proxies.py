"""Real concurrent requests against PostgreSQL: the proxy limits hold under load.

Many principals invite one proxy at the same moment, and one principal invites many
proxies at the same moment, each through HTTP to the live server (its own thread and
database connection per request). The service locks both accounts in key order before
counting, so never more than 5 links are open on either side, and every refused request
gets a field error (422), never a server error. SQLite is left out (one writer).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from silin.accounts.services import token_create
from silin.accounts.tests.factories import UserFactory
from silin.core.tests.races import post_json
from silin.people.proxy_models import MAX_PRINCIPALS_PER_PROXY, MAX_PROXIES_PER_PRINCIPAL, ProxyLink

THREADS = 9


@pytest.fixture
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's single writer never lets the requests overlap")


def _race(url: str, calls: list[tuple[dict, str]]) -> list[int]:
    start = threading.Barrier(len(calls))
    statuses: list[int] = []
    lock = threading.Lock()

    def send(body: dict, secret: str) -> None:
        start.wait()
        status, _ = post_json(url, secret, body)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=send, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def _body(mobile: str) -> dict:
    return {"mobile": mobile, "name": "帮手", "relation": "relative", "powers": ["book_spaces"]}


@pytest.mark.usefixtures("_postgres_only")
def test_concurrent_invitations_of_one_proxy_never_exceed_five_principals(cast, live_server):
    proxy = UserFactory(name="刘小红", mobile="13700000001")
    secrets = []
    for i in range(THREADS):
        principal = UserFactory(mobile=f"1360000030{i}")
        secrets.append(token_create(actor=principal, name="race")[1])
    statuses = _race(
        f"{live_server.url}/api/v1/proxy-links", [(_body(proxy.mobile), s) for s in secrets]
    )
    assert sorted(set(statuses)) == [201, 422]
    assert statuses.count(201) == MAX_PRINCIPALS_PER_PROXY
    assert ProxyLink.objects.filter(proxy=proxy).open().count() == MAX_PRINCIPALS_PER_PROXY


@pytest.mark.usefixtures("_postgres_only")
def test_concurrent_invitations_by_one_principal_never_exceed_five_proxies(cast, live_server):
    _token, secret = token_create(actor=cast.liu, name="race")
    mobiles = [f"1370000040{i}" for i in range(THREADS)]
    for m in mobiles:
        UserFactory(mobile=m)
    statuses = _race(f"{live_server.url}/api/v1/proxy-links", [(_body(m), secret) for m in mobiles])
    assert sorted(set(statuses)) == [201, 422]
    assert statuses.count(201) == MAX_PROXIES_PER_PRINCIPAL
    assert ProxyLink.objects.filter(principal=cast.liu).open().count() == MAX_PROXIES_PER_PRINCIPAL
