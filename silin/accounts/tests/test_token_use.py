"""A token's last use is noted at most every five minutes, outside any transaction too."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from silin.accounts.models import AccessToken
from silin.accounts.services import token_authenticate, token_create


@pytest.fixture
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the note's own transaction (synchronous_commit off) is PostgreSQL's")


@pytest.mark.usefixtures("_postgres_only")
def test_the_first_use_of_a_token_is_noted_and_the_next_minutes_are_not(cast):
    # Outside a transaction, as in a request: on PostgreSQL the note commits on its own,
    # without waiting for the disk (synchronous_commit off for it), and is still written.
    # (Inside the suite's usual transaction the plain UPDATE runs: test_api covers it.)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10)))
    with time_machine.travel(start, tick=False) as traveller:
        token, secret = token_create(actor=cast.liu, name="phone")
        assert token_authenticate(secret) == cast.liu
        token.refresh_from_db()
        assert token.last_used_at == start
        traveller.shift(60)
        assert token_authenticate(secret) == cast.liu
        assert AccessToken.objects.get(pk=token.pk).last_used_at == start
        traveller.shift(5 * 60)
        token_authenticate(secret)
        assert AccessToken.objects.get(pk=token.pk).last_used_at == start + dt.timedelta(minutes=6)
