"""What the demo app hands each app's `demo.seed(ctx)`.

The demo app (`silin.demo`, at the top of the layers) builds the demo street, its register,
organisations and logins, then calls `seed(ctx)` of every app that has a `demo.py`, in the
order of INSTALLED_APPS (the order of layers). The context lives here, on the ground floor,
so that any app can name its type; it holds plain values and no model of any app above
core.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Model


def quiet(_message: str) -> None:
    """A `log` that says nothing."""


@dataclass(frozen=True)
class DemoLogin:
    """One published demo account: who it is and where in the tree its role applies."""

    role: str  # a silin.core.roles.Role value
    name: str
    mobile: str
    node: str  # "street", a community name or a compound name


@dataclass
class DemoContext:
    """One run of the demo seeding, shared by every app's `demo.seed(ctx)`.

    `street` is the demo street (a `silin.places.models.Street`; typed as a model here
    because core sits below places). `rng` is the run's generator, already advanced by the
    street; an app that must draw the same values however the street was drawn makes its
    own from `seed`. `counts` gathers the rows made per model label ("spaces.booking").
    """

    street: Model
    seed: int
    rng: random.Random
    today: dt.date
    now: dt.datetime
    logins: Mapping[str, DemoLogin]  # by role: each role has exactly one demo login
    # Logins without a role, by key: "liu_daughter", 刘大爷's daughter living outside the
    # street, who acts for him (亲情账号).
    family: Mapping[str, DemoLogin] = field(default_factory=dict)
    log: Callable[[str], None] = quiet
    counts: dict[str, int] = field(default_factory=dict)
