"""The demo street's neighbour services: helpers, the 小老助大老 team, the alliance, a year
of services whose books balance, and pairings with some visits overdue."""

from __future__ import annotations

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from silin.accounts.models import User
from silin.demo.seeding import seed_demo
from silin.mutualaid.models import (
    Account,
    Alliance,
    HelperProfile,
    HelpRequest,
    Movement,
    Pairing,
    ServiceRecord,
    Team,
)

pytestmark = pytest.mark.django_db


def test_demo_neighbour_services():
    with time_machine.travel(timezone.now(), tick=False):
        seed_demo(residents=1500, seed=7)
        tang = User.objects.get(mobile="13800000010")
        helper = HelperProfile.objects.get(user=tang)
        assert helper.verified_at is not None
        team = Team.objects.get(kind=Team.Kind.YOUNG_OLD)
        assert team.members.count() > 0 and team.serves_from_age == 80
        assert Alliance.objects.get().compounds.count() == 3
        assert ServiceRecord.objects.filter(state="committed").count() > 50
        assert HelpRequest.objects.filter(state="open").exists()
        # The books balance: every account is the sum of its movements, all sum to zero.
        assert Account.objects.aggregate(t=Sum("balance"))["t"] == 0
        assert Movement.objects.aggregate(t=Sum("amount"))["t"] == 0
        assert Account.objects.get(resident=helper.resident).balance > 0
        assert Pairing.objects.count() > 0
