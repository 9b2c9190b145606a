"""Everything Silin holds on one person, gathered section by section (PIPL arts. 44-45).

A resident's "My data" page and its downloads (JSON, .xlsx) are built from *section
providers*. Each app that stores personal data contributes one provider per kind of record;
people code never needs editing when a new app joins.

How an app joins
----------------
1. Write a provider: a function taking a `Subject` and returning a `Section`, or `None` when
   the app holds nothing of this kind for anyone like the subject (a section with no
   records is still shown, saying "nothing held")::

       # silin/spaces/personal_data.py
       from django.utils.translation import gettext_lazy as _

       from silin.core import personal_data as pd


       def bookings(subject: pd.Subject) -> pd.Section | None:
           if subject.user is None:
               return None
           rows = Booking.objects.filter(booked_by=subject.user).select_related("space")
           return pd.Section(
               title=_("Space bookings"),
               records=[
                   pd.Record(
                       title=b.space.name,
                       fields=[(_("Starts"), b.starts_at), (_("Status"), b.get_status_display())],
                   )
                   for b in rows
               ],
           )

2. Register it when the app is ready, with a unique key and an order (lower comes first;
   people's and accounts' sections use 10-80, other apps 100-899, and the access log of
   the record, "who looked at or changed it", closes the page at 900)::

       # silin/spaces/apps.py
       def ready(self):
           from silin.core import personal_data
           from silin.spaces.personal_data import bookings

           personal_data.register("spaces.bookings", bookings, order=110)

Rules for providers
-------------------
- Read only the subject's own records: start from `subject.user` / `subject.resident`, never
  from a jurisdiction scope. `subject.resident` is None for an account without a register
  record; `subject.user` is None only when a worker's tool collects for a resident without
  an account.
- Show the values in full: they are the person's own data. Field values may be str, int,
  Decimal, bool, date, datetime or None; `display()` turns them into text (local time).
- Keep the number of queries fixed (select_related / prefetch_related): the page runs every
  provider on each view.
- Do not write: viewing and downloading are audited once by the caller
  (`silin.people.services.residents.personal_data_access_record`).
- `Record.link` may point at a page where the person can act on the record (for example
  withdraw a consent); it is shown on the page and left out of downloads.
- List the newest records first. The page shows the count and the newest few of each
  section (`SHOWN`) and says the rest are in the downloads, which hold everything;
  `Section.more` links the page where the person sees them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Subject:
    """The person whose data is collected: their account and/or their register record."""

    user: Any = None
    resident: Any = None


@dataclass(frozen=True)
class Record:
    """One record: a heading and its fields as (label, value) pairs."""

    title: str | Promise
    fields: Sequence[tuple[str | Promise, Any]] = ()
    link: tuple[str, str] | None = None  # (url, label): an action on the page only


@dataclass(frozen=True)
class Section:
    title: str | Promise
    records: Sequence[Record] = ()
    note: str | Promise = ""
    key: str = ""
    # (url, label): the page where the person sees them all and acts on them, e.g. "My
    # bookings". The "My data" page shows the newest few of each section; downloads all.
    more: tuple[str, str | Promise] | None = None

    @property
    def anchor(self) -> str:
        """The id of the section on the page, e.g. "section-people-consents"."""
        return "section-" + self.key.replace(".", "-").replace("_", "-")


Provider = Callable[[Subject], Section | None]
SHOWN = 3  # records of a section shown on the page; the downloads hold every one


@dataclass(frozen=True)
class _Registration:
    key: str
    provider: Provider
    order: int


_registry: dict[str, _Registration] = {}


def register(key: str, provider: Provider, *, order: int = 100) -> None:
    """Adds (or replaces) the provider for `key`, e.g. "spaces.bookings"."""
    _registry[key] = _Registration(key=key, provider=provider, order=order)


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registered_keys() -> list[str]:
    return [r.key for r in sorted(_registry.values(), key=lambda r: (r.order, r.key))]


def collect(subject: Subject) -> list[Section]:
    """Every section that holds something on `subject`, in registration order."""
    sections = []
    for key in registered_keys():
        section = _registry[key].provider(subject)
        if section is not None:
            sections.append(replace(section, key=key))
    return sections


def display(value: Any) -> str:
    """A field value as text for the page and the downloads."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)):
        return str(value)
    return str(value)


@dataclass(frozen=True)
class Export:
    """Sections flattened to text, for the JSON and .xlsx downloads."""

    generated_at: dt.datetime
    sections: list[dict] = field(default_factory=list)


def as_export(sections: list[Section]) -> Export:
    return Export(
        generated_at=timezone.localtime(),
        sections=[
            {
                "key": s.key,
                "title": str(s.title),
                "note": str(s.note),
                "records": [
                    {
                        "title": str(r.title),
                        "fields": [[str(label), display(value)] for label, value in r.fields],
                    }
                    for r in s.records
                ],
            }
            for s in sections
        ],
    )
