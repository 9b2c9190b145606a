"""The demo street's activities: the article's catalogue, past attendance with a long
tail, upcoming events with sign-ups and waiting lists, 刘大爷's chess league and 坝坝宴."""

from __future__ import annotations

from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from silin.accounts.models import User
from silin.activities.models import (
    CatalogueItem,
    Category,
    Event,
    EventSeries,
    Proposal,
    SignUp,
)
from silin.core import home
from silin.core.roles import Role
from silin.demo.cast import LOGINS_BY_ROLE
from silin.demo.seeding import seed_demo
from silin.spaces.models import Booking

pytestmark = pytest.mark.django_db


def test_demo_activities():
    with time_machine.travel(timezone.now(), tick=False):
        seed_demo(residents=400, seed=7)
        street_items = CatalogueItem.objects.filter(community=None)
        assert set(street_items.values_list("category", flat=True)) == set(Category.values) - {
            Category.OTHER
        }
        adopted = CatalogueItem.objects.exclude(source=None)
        assert adopted.count() == 3
        past = Event.objects.filter(state=Event.State.DONE)
        assert past.count() >= 24
        attended = Counter(
            SignUp.objects.filter(state=SignUp.State.ATTENDED).values_list("person", flat=True)
        )
        assert max(attended.values()) >= 8  # some come often
        upcoming = Event.objects.filter(state=Event.State.PUBLISHED)
        assert upcoming.count() == 7 + 2 + 8  # the list, two for tagged residents, the league
        league = EventSeries.objects.get()
        assert league.events.count() == 8 and league.item.title == "象棋联赛"
        tagged = Event.objects.exclude(required_tags=None).distinct()
        assert sorted(e.title for e in tagged) == ["太极拳晨练", "心理关怀小组"]
        pending = Proposal.objects.filter(state=Proposal.State.PENDING)
        assert pending.count() == 2
        worker = User.objects.get(mobile=LOGINS_BY_ROLE[Role.COMMUNITY_WORKER].mobile)
        todo = [t for t in home.todos_for(worker) if t.key == "activities.proposals"]
        assert todo and todo[0].count == 2
        assert SignUp.objects.filter(state=SignUp.State.WAITING).exists()
        for event in upcoming:
            taken = SignUp.objects.filter(event=event, state=SignUp.State.CONFIRMED)
            assert sum(1 + s.companions for s in taken) <= event.capacity
        liu = SignUp.objects.filter(person__name="刘大爷", event__state="published")
        titles = sorted(s.event.title for s in liu)
        assert titles == ["象棋联赛", "院落坝坝宴"]
        banquet = Event.objects.get(title="院落坝坝宴", state="published")
        assert banquet.space is not None and banquet.space.name == "邻里荟"
        assert Booking.objects.get(pk=banquet.booking_id).status == Booking.Status.APPROVED
        # Two neighbours with no phone, signed up by the worker on their register records;
        # guests who joined past activities at the door.
        no_phone = SignUp.objects.filter(event=banquet, person=None, resident__isnull=False)
        assert no_phone.count() == 2
        assert all(s.signed_up_by is not None for s in no_phone)
        assert (
            SignUp.objects.filter(walk_in=True, state=SignUp.State.ATTENDED)
            .exclude(guest_name="")
            .exists()
        )
        # Seeding twice changes nothing.
        before = Event.objects.count()
        seed_demo(residents=400, seed=7)
        assert Event.objects.count() == before
