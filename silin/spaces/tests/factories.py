from __future__ import annotations

import datetime as dt

import factory

from silin.accounts.tests.factories import UserFactory
from silin.places.tests.factories import CommunityFactory
from silin.spaces.models import BlockedPeriod, Booking, OpeningHours, Space, WaitlistEntry


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    name = factory.Sequence(lambda n: f"邻里空间{n}")
    kind = Space.Kind.ACTIVITY_CENTRE
    community = factory.SubFactory(CommunityFactory)
    capacity = 20


def open_every_day(space: Space, opens: dt.time = dt.time(8), closes: dt.time = dt.time(21)):
    """Give `space` the same opening window on all seven weekdays."""
    OpeningHours.objects.bulk_create(
        OpeningHours(space=space, weekday=d, opens=opens, closes=closes) for d in range(7)
    )
    return space


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the table (bypasses services: for fixtures only)."""

    class Meta:
        model = Booking

    space = factory.SubFactory(SpaceFactory)
    community = factory.LazyAttribute(lambda o: o.space.community)
    compound = factory.LazyAttribute(lambda o: o.space.compound)
    booker = factory.SubFactory(UserFactory)
    purpose = "下棋"
    attendees = 2
    starts_at = factory.LazyFunction(
        lambda: (
            dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
            + dt.timedelta(days=1)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    status = Booking.Status.APPROVED


class BlockedPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlockedPeriod

    space = factory.SubFactory(SpaceFactory)
    starts_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    reason = "消防检查"


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory(UserFactory)
    purpose = "下棋"
    attendees = 2
    starts_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


def local(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware local (Asia/Shanghai) time `day_offset` days from today."""
    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=day_offset)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
