"""The sign-up rush of Neighbour Activities (issue 11, item 12), measured as a pretix shop
was on this machine kind (4 gunicorn sync workers, PostgreSQL 15, 1,000 order POSTs 50 at a
time for 50 places: 54 req/s, sold out in 3.5 s, p95 1.8 s, p99 2.9 s).

On the seeded street (bench/_setup.py) with BENCH_ACT_EVENTS (30,000) events and
BENCH_ACT_SIGNUPS (1,000,000) sign-ups bulk-loaded once (COPY; kept between runs,
BENCH_FRESH=1 reseeds with the street), against TWO gunicorn servers of
BENCH_SIGNUP_WORKERS (2) sync workers each, started here, driven by one async httpx
client (bench/_rush_common.py):

(a) The rush. BENCH_RUSH_N (1,000) residents, each with their own API token, POST a
    sign-up for one new event of 50 places (`/api/v1/activities/events/<uuid>/signups`),
    50 at a time, alternately to the two servers. Printed: confirmed (exactly 50), waiting
    (950, in the order the server accepted them: the waiting list read back in its order,
    (created_at, pk), is the order of the rows' insertion under the event's lock, and the
    position each resident was told is their place in it), 5xx (0), req/s, the time until
    the 50th confirmation, p50/p95/p99, worker and PostgreSQL CPU ms per request.
(b) The event page `/activities/events/<uuid>/` of that event under 20 concurrent readers
    for BENCH_READ_SECONDS (10) s, as 刘大爷 (his session).
(c) "What's on near me" `/activities/` and "my activities" `/activities/mine/` for
    刘大爷, who has signed up for BENCH_ACT_MINE (300) activities over three years, read by
    one client at a time (a page's own latency, not a queue's) for BENCH_READ_SECONDS.
(d) Queries of a won and of a waiting sign-up POST and of the three pages, through the
    test client in this process (the budgets of silin/activities/tests/test_query_budgets.py).

The load average is printed before each measure. Exits non-zero when a target is missed
or a check fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

from _proc import CpuMeter, postmaster_pid
from _rush_common import (
    POOL,
    READERS,
    ROOT,
    Run,
    at_least,
    at_most,
    load_text,
    measured,
    posts,
    reads,
    resident_session,
    silin_env,
    start_gunicorn,
    stop,
    verdicts,
    warm,
)

PLACES = 50
SEED_TITLE = "压测活动"  # the bulk-loaded events' titles start with it
PEOPLE = 20_000  # bench accounts the bulk-loaded sign-ups are spread over
TARGETS = {
    "rush_rps": 216.0,
    "sold_out_s": 0.5,
    "rush_p95_ms": 300.0,
    "page_rps": 155.0,
    "page_p95_ms": 150.0,
    "list_p95_ms": 50.0,
}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# --- the data ---------------------------------------------------------------------------------


def _street():
    from silin.places.models import Community

    return Community.objects.select_related("street").get(name="三江社区")


def _people(n: int) -> list[int]:
    """`n` bench accounts (no password, no role): the crowd of past sign-ups."""
    from silin.accounts.models import User

    mobiles = [f"1980{i:07d}" for i in range(n)]
    have = set(User.objects.filter(mobile__in=mobiles).values_list("mobile", flat=True))
    User.objects.bulk_create(
        (User(mobile=m, name=f"压测邻居{m[-5:]}") for m in mobiles if m not in have),
        batch_size=5000,
    )
    return list(User.objects.filter(mobile__in=mobiles).values_list("pk", flat=True))


def ensure_activities(events: int, signups: int, mine: int) -> dict:
    """The street's demo activities, then `events` events and `signups` sign-ups COPied in
    once (three years: two past, one to come), `mine` of them 刘大爷's."""
    from django.db import connection
    from django.utils import timezone

    from silin.activities import demo as activities_demo
    from silin.activities.models import CatalogueItem, Event, SignUp
    from silin.demo.seeding import demo_context
    from silin.places.models import Community
    from silin.spaces import demo as spaces_demo

    spaces_demo.seed(demo_context())
    activities_demo.seed(demo_context())
    have = Event.objects.filter(title__startswith=SEED_TITLE).count()
    if have >= events:
        return {"seeded": False, "events": Event.objects.count(), "signups": SignUp.objects.count()}
    started = time.perf_counter()
    sanjiang = _street()
    communities = list(
        Community.objects.filter(street=sanjiang.street).values_list("pk", flat=True)
    )
    items = list(
        CatalogueItem.objects.filter(street=sanjiang.street, community__isnull=True).values_list(
            "pk", flat=True
        )
    )
    _headers, liu = resident_session()
    people = _people(PEOPLE)
    rng = random.Random(11)
    now = timezone.now()
    first = now - dt.timedelta(days=730)
    step = dt.timedelta(days=1095) / events
    per_event, extra = divmod(signups, events)
    liu_every = max(1, events // mine) if mine else 0
    event_cols = (
        "uuid, item_id, title, description, organiser_kind, community_id, place_text, "
        "starts_at, ends_at, capacity, max_companions, waiting_list, offer_hours, state, "
        "cancel_reason, checkin_private_key, checkin_public_key, created_at, published_at"
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY activities_event ({event_cols}) FROM STDIN") as copy:
            for i in range(events):
                starts = first + step * i
                copy.write_row(
                    (
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        items[i % len(items)],
                        f"{SEED_TITLE}{i:05d}",
                        "",
                        "community",
                        communities[i % len(communities)],
                        "社区活动中心",
                        starts,
                        starts + dt.timedelta(hours=2),
                        per_event + 10,
                        0,
                        True,
                        12,
                        "done" if starts < now else "published",
                        "",
                        "",
                        "",
                        starts - dt.timedelta(days=14),
                        starts - dt.timedelta(days=14),
                    )
                )
        rows = list(
            Event.objects.filter(title__startswith=SEED_TITLE)
            .order_by("starts_at", "pk")
            .values_list("pk", "starts_at")
        )
        signup_cols = "uuid, event_id, person_id, companions, state, created_at, updated_at"
        n = 0
        with cursor.cursor.copy(f"COPY activities_signup ({signup_cols}) FROM STDIN") as copy:
            for i, (event_id, starts) in enumerate(rows):
                count = per_event + (1 if i < extra else 0)
                persons = rng.sample(people, count)
                if liu_every and i % liu_every == 0 and n < signups:
                    persons[0] = liu.pk
                for person in persons:
                    if starts < now:
                        state = "attended" if rng.random() < 0.8 else "no_show"
                    else:
                        state = "confirmed" if rng.random() < 0.95 else "cancelled"
                    at = starts - dt.timedelta(minutes=rng.randrange(60, 20_000))
                    copy.write_row(
                        (uuid.UUID(int=rng.getrandbits(128), version=4), event_id, person, 0,
                         state, at, at)
                    )  # fmt: skip
                    n += 1
        cursor.execute("VACUUM ANALYZE activities_event")
        cursor.execute("VACUUM ANALYZE activities_signup")
    return {
        "seeded": True,
        "events": Event.objects.count(),
        "signups": SignUp.objects.count(),
        "seconds": time.perf_counter() - started,
    }


def rush_event():
    """A new published event of PLACES places in 三江社区, a week ahead, through the services."""
    from django.utils import timezone

    from silin.accounts.models import User
    from silin.activities.models import CatalogueItem
    from silin.activities.services import events as event_services
    from silin.demo.cast import DEMO_LOGINS

    sanjiang = _street()
    admin = User.objects.get(mobile=DEMO_LOGINS[0].mobile)
    item = CatalogueItem.objects.filter(street=sanjiang.street).order_by("pk").first()
    starts = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=7)
    event = event_services.event_create(
        actor=admin,
        item=item,
        data=event_services.EventData(
            community=sanjiang,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            capacity=PLACES,
            title=f"抢报名 {starts:%m-%d %H:%M}",
            place_text="社区广场",
            waiting_list=True,
        ),
    )
    return event_services.event_publish(actor=admin, event=event)


def racers(n: int) -> list[tuple[object, str]]:
    """`n` residents with a token each, used before (a rush is of people who have the app):
    the token's first-use note is not part of the rush."""
    import spaces
    from django.utils import timezone

    from silin.accounts.models import AccessToken

    out = spaces._racers(n)  # noqa: SLF001 - the same crowd as the booking rush
    AccessToken.objects.filter(user__in=[u for u, _s in out], last_used_at__isnull=True).update(
        last_used_at=timezone.now()
    )
    return out


# --- (a) the rush -------------------------------------------------------------------------------


def check_rush(event, answers: dict[int, tuple[int, dict, float]], started: float) -> dict:
    """What the database holds after the rush, against what each resident was told."""
    from silin.activities.models import SignUp

    rows = list(
        SignUp.objects.filter(event=event)
        .order_by("created_at", "pk")
        .values("pk", "uuid", "state")
    )
    confirmed = [r for r in rows if r["state"] == SignUp.State.CONFIRMED]
    waiting = [r for r in rows if r["state"] == SignUp.State.WAITING]
    accepted = sorted(rows, key=lambda r: r["pk"])  # ids are drawn under the event's lock
    told = {
        body["uuid"]: body
        for status, body, _at in answers.values()
        if status == 201 and isinstance(body, dict)
    }
    in_order = [r["pk"] for r in rows] == [r["pk"] for r in accepted]
    first_taken = {r["pk"] for r in accepted[:PLACES]} == {r["pk"] for r in confirmed}
    positions = all(
        told.get(str(r["uuid"]), {}).get("waiting_position") == i
        for i, r in enumerate(waiting, start=1)
    )
    told_confirmed = all(
        told.get(str(r["uuid"]), {}).get("state") == "confirmed" for r in confirmed
    )
    confirmed_at = sorted(
        at
        for status, body, at in answers.values()
        if status == 201 and body.get("state") == "confirmed"
    )
    sold_out = confirmed_at[PLACES - 1] - started if len(confirmed_at) >= PLACES else float("inf")
    return {
        "confirmed": len(confirmed),
        "waiting": len(waiting),
        "in_order": in_order and first_taken,
        "positions": positions and told_confirmed and len(told) == len(rows),
        "sold_out": sold_out,
    }


def rush_run(n: int, servers: list[tuple], meter: CpuMeter) -> tuple[Run, object, dict]:
    event = rush_event()
    crowd = racers(n)
    body = json.dumps({"companions": 0}).encode()
    requests = [
        (
            f"http://127.0.0.1:{servers[i % len(servers)][1]}/api/v1/activities/events/"
            f"{event.uuid}/signups",
            body,
            {
                "Authorization": f"Bearer {secret}",
                "Content-Type": "application/json",
                "Accept-Language": "en",
            },
        )
        for i, (_u, secret) in enumerate(crowd)
    ]
    answers: dict[int, tuple[int, dict, float]] = {}

    def on_answer(index: int, response, at: float) -> None:
        if response is None:
            answers[index] = (0, {}, at)
            return
        try:
            data = response.json()
        except ValueError:
            data = {}
        answers[index] = (response.status_code, data if isinstance(data, dict) else {}, at)

    workers = sum(1 for _ in meter.masters)
    run = Run(
        f"(a) sign-up rush, {n} residents, {POOL} at a time, {workers} servers × "
        f"{_env_int('BENCH_SIGNUP_WORKERS', 2)} sync workers, {PLACES} places"
    )
    load = load_text()
    measured(run, meter, posts(requests, run, on_answer))
    run.print(load)
    checks = check_rush(event, answers, run.started)  # type: ignore[attr-defined]
    return run, event, checks


# --- (d) queries through the test client ----------------------------------------------------------


def query_counts(event) -> dict[str, int]:
    """Queries of a won and a waiting sign-up POST (API, database task rows as in production)
    and of the event page, near-me and my activities for 刘大爷."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from silin.activities.services import events as event_services

    _headers, liu = resident_session()
    out: dict[str, int] = {}
    small = rush_event()
    event_services.event_set_capacity(actor=small.created_by, event=small, capacity=1)
    crowd = racers(2)
    url = f"/api/v1/activities/events/{small.uuid}/signups"
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        for key, (_u, secret) in zip(("won POST", "waiting POST"), crowd, strict=True):
            client = Client(headers={"Authorization": f"Bearer {secret}"})
            with CaptureQueriesContext(connection) as q:
                r = client.post(url, '{"companions": 0}', content_type="application/json")
            assert r.status_code == 201, r.content
            out[key] = len(q)
    page = Client()
    page.force_login(liu)
    for key, path in (
        ("event page", f"/activities/events/{event.uuid}/"),
        ("near me", "/activities/"),
        ("my activities", "/activities/mine/"),
    ):
        page.get(path)
        with CaptureQueriesContext(connection) as q:
            r = page.get(path)
        assert r.status_code == 200, (path, r.status_code)
        out[key] = len(q)
    return out


# --- main ---------------------------------------------------------------------------------------


def main() -> bool:
    """Returns True when a target was missed or a check failed."""
    import _setup

    _setup.configure()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("  skipped: the sign-up rush is measured on PostgreSQL (BENCH_DB=sqlite given)")
        return False
    n = _env_int("BENCH_RUSH_N", 1000)
    seconds = float(os.environ.get("BENCH_READ_SECONDS", "10"))
    per_server = _env_int("BENCH_SIGNUP_WORKERS", 2)
    seeding = _setup.ensure_seeded(_env_int("BENCH_RESIDENTS", 200_000))
    data = ensure_activities(
        _env_int("BENCH_ACT_EVENTS", 30_000),
        _env_int("BENCH_ACT_SIGNUPS", 1_000_000),
        _env_int("BENCH_ACT_MINE", 300),
    )
    print(
        f"  street: {seeding['residents']} residents; {data['events']} events, "
        f"{data['signups']} sign-ups"
        + (f" (loaded now in {data['seconds']:.1f} s)" if data["seeded"] else " (reused)")
        + f"; {os.cpu_count()} cores, {load_text()}"
    )
    headers, _liu = resident_session()
    servers: list[tuple] = []
    try:
        for _i in range(2):  # one by one: a server that fails to start stops the others
            servers.append(start_gunicorn("config.wsgi", per_server, silin_env(), ROOT))
        meter = CpuMeter([p.pid for p, _port in servers], postmaster_pid())
        for _p, port in servers:
            warm(port, ["/activities/", "/activities/mine/"], headers)
        rush, event, checks = rush_run(n, servers, meter)
        base = f"http://127.0.0.1:{servers[0][1]}"
        load = load_text()
        page = Run(f"(b) event page, {READERS} clients for {seconds:.0f} s (server 1)")
        path = f"/activities/events/{event.uuid}/"
        measured(page, meter, reads(base + path, headers, seconds, page))
        page.print(load)
        lists = {}
        for key, path in (("near me", "/activities/"), ("my activities", "/activities/mine/")):
            load = load_text()
            run = Run(f"(c) {key} {path}, 1 client for {seconds:.0f} s (server 1)")
            measured(run, meter, reads(base + path, headers, seconds, run, readers=1))
            run.print(load)
            lists[key] = run
    finally:
        for process, _port in servers:
            stop(process)
    queries = query_counts(event)
    print("  (d) queries (test client): " + ", ".join(f"{k} {v}" for k, v in queries.items()))
    expected_waiting = max(0, n - PLACES)
    ok = (
        checks["confirmed"] == min(n, PLACES)
        and checks["waiting"] == expected_waiting
        and checks["in_order"]
        and checks["positions"]
        and rush.errors == 0
        and rush.statuses.get(201, 0) == n
    )
    print(
        f"      (a) confirmed {checks['confirmed']} (exactly {min(n, PLACES)}), waiting "
        f"{checks['waiting']} ({expected_waiting}); waiting list in the order the server "
        f"accepted them: {'yes' if checks['in_order'] else 'NO'}; positions told = positions "
        f"held: {'yes' if checks['positions'] else 'NO'}; 5xx or no answer {rush.errors} (0)"
        f"  {'ok' if ok else 'FAILED'}"
    )
    sold_out = checks["sold_out"]
    print(f"      (a) sold out (the {PLACES}th confirmation answered) after {sold_out:.3f} s")
    print("  -- against the targets --")
    failed = not ok
    for run in (page, *lists.values()):
        bad = sum(c for s, c in run.statuses.items() if s != 200)
        if bad:
            print(f"  {run.label}: {bad} answers other than 200  FAILED")
            failed = True
    failed |= verdicts(
        [
            at_least("(a) sign-up rush req/s", rush.rps, TARGETS["rush_rps"], "req/s"),
            at_most("(a) sold out after", checks["sold_out"], TARGETS["sold_out_s"], "s"),
            at_most("(a) sign-up rush p95", rush.pct(95), TARGETS["rush_p95_ms"], "ms"),
            at_least("(b) event page req/s", page.rps, TARGETS["page_rps"], "req/s"),
            at_most("(b) event page p95", page.pct(95), TARGETS["page_p95_ms"], "ms"),
            *(
                at_most(f"(c) {key} p95", run.pct(95), TARGETS["list_p95_ms"], "ms")
                for key, run in lists.items()
            ),
        ]
    )
    print(
        f"  pretix on this machine kind: 54 req/s, sold out in 3.5 s, p95 1.8 s: this rush "
        f"{rush.rps / 54:.1f}× the req/s; worker CPU {rush.worker_ms:.2f} ms and PostgreSQL "
        f"{rush.per_request_ms(rush.pg_cpu):.2f} ms per sign-up"
    )
    print(f"  {load_text()} at the end")
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(1 if main() else 0)
