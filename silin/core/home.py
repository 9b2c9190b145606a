"""What each app contributes to the home pages: panels and to-dos, composed by the console.

An app registers in its `AppConfig.ready()`; core and the console name no app.

Panels
------
A panel is a template and a function that builds its context for the signed-in user, or
returns None when the panel has nothing to say to them (a resident gets no approvals
panel)::

    home.register_panel(
        "spaces.my_bookings",
        template="spaces/panels/_my_bookings.html",
        build=my_bookings_panel,      # (actor) -> dict | None
        order=20,
    )

Panels are shown by `order` (lower first): 10-29 a person's own day (bookings, notices),
30-59 work with a deadline (approvals, requests), 60-89 overviews (counts, communities).
Keep each builder to a fixed, small number of queries: the home page runs all of them.

Sections of a record's page
---------------------------
A resident's page in the register shows what other apps hold on the resident (bookings,
sign-ups, help received) through the same mechanism: a template and a function of the
viewer and the resident, registered with `register_resident_section`. The viewer may
already open the resident's page; a section still shows only what the viewer may see.

To-dos
------
A to-do source returns `Todo` items for the user; the console puts those with a deadline
first (soonest first), then the other requests waiting for the user, then data-quality
follow-ups, which should come as one grouped line each linking to a filtered list rather
than one line per record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from silin.accounts.models import User


class Urgency(IntEnum):
    """How a to-do sorts: a deadline first, then a request waiting, then data quality."""

    DEADLINE = 0
    REQUEST = 1
    DATA_QUALITY = 2


@dataclass(frozen=True)
class Todo:
    key: str
    label: str | Promise
    url: str
    count: int = 1
    urgency: Urgency = Urgency.REQUEST
    due: dt.datetime | None = None
    detail: str | Promise = ""
    icon: str = "check2-square"


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: dict[str, Any]


PanelBuilder = Callable[["User"], dict[str, Any] | None]
SectionBuilder = Callable[["User", Any], dict[str, Any] | None]
TodoSource = Callable[["User"], Iterable[Todo]]


@dataclass(frozen=True)
class _PanelRegistration:
    key: str
    template: str
    build: PanelBuilder
    order: int


@dataclass(frozen=True)
class _SectionRegistration:
    key: str
    template: str
    build: SectionBuilder
    order: int


_panels: dict[str, _PanelRegistration] = {}
_resident_sections: dict[str, _SectionRegistration] = {}
_todo_sources: dict[str, TodoSource] = {}


def register_panel(key: str, *, template: str, build: PanelBuilder, order: int = 50) -> None:
    _panels[key] = _PanelRegistration(key=key, template=template, build=build, order=order)


def register_todos(key: str, source: TodoSource) -> None:
    _todo_sources[key] = source


def register_resident_section(
    key: str, *, template: str, build: SectionBuilder, order: int = 50
) -> None:
    _resident_sections[key] = _SectionRegistration(
        key=key, template=template, build=build, order=order
    )


def unregister(key: str) -> None:
    _panels.pop(key, None)
    _todo_sources.pop(key, None)
    _resident_sections.pop(key, None)


def resident_sections_for(viewer: User, resident: Any) -> list[Panel]:
    """Every registered section with something to show `viewer` about `resident`."""
    shown = []
    for reg in sorted(_resident_sections.values(), key=lambda r: (r.order, r.key)):
        context = reg.build(viewer, resident)
        if context is not None:
            shown.append(Panel(key=reg.key, template=reg.template, context=context))
    return shown


def panel_keys() -> list[str]:
    return [p.key for p in sorted(_panels.values(), key=lambda p: (p.order, p.key))]


def panels_for(actor: User) -> list[Panel]:
    """Every registered panel with something to show `actor`, in order."""
    shown = []
    for key in panel_keys():
        registration = _panels[key]
        context = registration.build(actor)
        if context is not None:
            shown.append(Panel(key=key, template=registration.template, context=context))
    return shown


def todos_for(actor: User) -> list[Todo]:
    """Every source's to-dos for `actor`: deadlines first (soonest first), then requests,
    then data quality; empty counts are left out."""
    todos = [t for key in sorted(_todo_sources) for t in _todo_sources[key](actor) if t.count]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(todos, key=lambda t: (t.urgency, t.due or far, t.key))
