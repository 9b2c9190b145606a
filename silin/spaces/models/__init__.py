"""Neighbour Spaces (邻空间): shared spaces, where they came from, and their bookings.

The models live in three modules; every name is importable from `silin.spaces.models`,
which is where Django and the rest of the code find them:

- `spaces`: Space, OpeningHours, OpeningException, BlockedPeriod, `new_token`;
- `bookings`: BookingSeries, Booking, WaitlistEntry, PersonalFeed;
- `renewals`: RenewalRecord.
"""

from silin.spaces.models.bookings import (
    Booking,
    BookingQuerySet,
    BookingSeries,
    PersonalFeed,
    WaitlistEntry,
)
from silin.spaces.models.renewals import RenewalRecord, RenewalRecordQuerySet
from silin.spaces.models.spaces import (
    BlockedPeriod,
    OpeningException,
    OpeningHours,
    Space,
    SpaceQuerySet,
    new_token,
)

__all__ = [
    "BlockedPeriod",
    "Booking",
    "BookingQuerySet",
    "BookingSeries",
    "OpeningException",
    "OpeningHours",
    "PersonalFeed",
    "RenewalRecord",
    "RenewalRecordQuerySet",
    "Space",
    "SpaceQuerySet",
    "WaitlistEntry",
    "new_token",
]
