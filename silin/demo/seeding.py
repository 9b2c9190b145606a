"""The demo street: 赵镇街道 (金堂县, 成都市) with its communities, compounds and residents.

`seed_demo()` builds a plausible street for trying Silin and for benchmarks: a few
communities with estates, courtyards and a resettlement compound, households whose sizes
and ages follow an ageing Sichuan county town (about 28% over 60, 4-5% over 80), residents
with valid identity card numbers, mobiles, tags and consents, grids, social organisations
and one demo login per role. Then every app with a `demo.py` adds its own part through
`seed(ctx)`, in the order of layers (spaces: its spaces, renewals and bookings).

Seeding the street is a bulk load, not a series of register edits: rows are written with
bulk_create in batches, household by household chunk, with no per-row query, and the audit
log gets a single entry summarising the load. The same seed gives the same street (names,
ages, identity numbers, places); only the ciphertexts and timestamps differ between runs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from silin.core import audit
from silin.core.seeding import DemoContext, quiet
from silin.demo import cast, tree
from silin.demo.build import Build
from silin.demo.families import draw_families
from silin.demo.names import STREET_CODE
from silin.demo.organisations import make_organisations
from silin.demo.register import RegisterWriter
from silin.places.models import Street

MIN_RESIDENTS = 100

Seed = Callable[[DemoContext], None]


@dataclass
class SeedResult:
    created: bool
    counts: dict[str, int]
    seconds: float
    cpu_seconds: float = 0.0  # this process only; a PostgreSQL server works on its own


def seed_demo(
    *, residents: int = 5000, seed: int = 2026, log: Callable[[str], None] | None = None
) -> SeedResult:
    """Build the demo street unless it is already there."""
    log = log or quiet
    started, cpu_started = time.perf_counter(), time.process_time()
    if Street.objects.filter(code=STREET_CODE).exists():
        return SeedResult(False, {}, 0.0)
    if residents < MIN_RESIDENTS:
        raise ValueError(f"The demo street needs at least {MIN_RESIDENTS} residents.")
    ctx = seed_street(residents=residents, seed=seed, log=log)
    for _label, seed_app in app_seeds():
        seed_app(ctx)
    analyze(ctx.counts)
    return SeedResult(
        True, ctx.counts, time.perf_counter() - started, time.process_time() - cpu_started
    )


def app_seeds() -> Iterator[tuple[str, Seed]]:
    """`seed(ctx)` of each of Silin's apps that has a `demo` module, in INSTALLED_APPS order,
    which is the order of layers: an app's demo data may lean on that of the apps below."""
    for config in apps.get_app_configs():
        if not config.name.startswith("silin.") or not module_has_submodule(config.module, "demo"):
            continue
        module = import_module(f"{config.name}.demo")
        yield config.label, module.seed


def seed_street(*, residents: int, seed: int, log: Callable[[str], None]) -> DemoContext:
    """The street, its places, register, organisations and demo logins, in one transaction
    with one audit entry; returns the context the apps' seeds continue from."""
    rng = random.Random(seed)
    today, now = timezone.localdate(), timezone.now()
    with transaction.atomic():
        street = tree.make_street(rng)
        ctx = DemoContext(
            street=street,
            seed=seed,
            rng=rng,
            today=today,
            now=now,
            logins=cast.LOGINS_BY_ROLE,
            family=cast.FAMILY_LOGINS,
            log=log,
        )
        build = Build(ctx, street=street, residents=residents)
        tree.make_communities(build)
        register = RegisterWriter(build, taken_mobiles=cast.login_mobiles())
        already = sum(len(f.people) for f in cast.special_families())
        families = draw_families(rng, residents=residents, already=already)
        plans = tree.plan_compounds(build, len(families) + len(cast.special_families()))
        slots = tree.make_places(build, plans)
        tree.make_grids(build)
        register.fill_households(families, slots)
        make_organisations(build)
        cast.make_logins(build)
        counts = ctx.counts
        detail = f"seed={seed}; " + "; ".join(
            f"{k.split('.')[-1]}={v}" for k, v in sorted(counts.items())
        )
        audit.record(
            actor=None,
            action="create",
            obj=street,
            object_type="demo.seed",
            changes={k: [0, v] for k, v in sorted(counts.items())},
            detail=detail,
        )
    return ctx


def demo_context(*, seed: int = 2026, log: Callable[[str], None] | None = None) -> DemoContext:
    """A context for the demo street already in the database, e.g. to run one app's
    `demo.seed(ctx)` on a street seeded before that app had one."""
    return DemoContext(
        street=Street.objects.get(code=STREET_CODE),
        seed=seed,
        rng=random.Random(seed),
        today=timezone.localdate(),
        now=timezone.now(),
        logins=cast.LOGINS_BY_ROLE,
        family=cast.FAMILY_LOGINS,
        log=log or quiet,
    )


def analyze(counts: dict[str, int]) -> None:
    """Refresh the planner's statistics (and on PostgreSQL the visibility map) of the
    tables just loaded.

    Without it PostgreSQL plans the register's searches as if the tables were still empty
    (nested loops over 75,000 households: seconds instead of milliseconds) until
    autovacuum happens to analyse them.
    """
    connection = connections["default"]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        models = {m._meta.label_lower: m for m in apps.get_models(include_auto_created=True)}
        tables = sorted(
            connection.ops.quote_name(models[label]._meta.db_table)
            for label in counts
            if label in models
        )
        # VACUUM also sets the visibility map, so name searches over the register are
        # answered from the (community, name) index alone; it cannot run in a transaction
        # (as in tests), where statistics alone will do.
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        cursor.execute(f"{verb} " + ", ".join(tables))
