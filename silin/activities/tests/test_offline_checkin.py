"""Offline check-in: the batch upload from a phone (duplicates, earliest scan wins, two
phones, unknown/forged/other event's codes answered per item and changing nothing), the
short form typed by hand, the tick list of a paper sheet, closing check-in, the PDF sheet,
and who may use them (the organiser's staff; anyone else gets 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from silin.activities.models import SignUp
from silin.activities.services import checkin, signups
from silin.activities.services.common import ActivityError
from silin.activities.tests.factories import make_event
from silin.core.models import AuditEntry
from silin.core.tests.api_helpers import API, assert_error, client_for
from silin.lib import signing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def noon(clock):
    return clock.move_to(12)


def _event(world, cast, noon, **kw):
    start = noon + dt.timedelta(minutes=30)
    return make_event(
        world, cast.worker, starts_at=start, ends_at=start + dt.timedelta(hours=2), **kw
    )


def _upload(user, event, scans, **extra):
    return client_for(user).post(
        f"{API}/activities/events/{event.uuid}/checkins",
        {"scans": scans},
        content_type="application/json",
        **extra,
    )


def _scan(code, at, device="phone-a"):
    return {"code": code, "scanned_at": at.isoformat(), "device": device}


# --- the service ------------------------------------------------------------------------


def test_the_earliest_scan_wins_and_a_later_one_changes_nothing(cast, world, noon):
    event = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    code = checkin.checkin_code(s)
    at = noon + dt.timedelta(minutes=2)
    [first] = checkin.checkin_upload(
        actor=cast.worker, event=event, scans=[checkin.Scan(code=code, scanned_at=at)]
    )
    assert first.status == "checked_in"
    [later] = checkin.checkin_upload(
        actor=cast.worker,
        event=event,
        scans=[checkin.Scan(code=code, scanned_at=at + dt.timedelta(minutes=5))],
    )
    assert later.status == "already"
    [earlier] = checkin.checkin_upload(
        actor=cast.worker,
        event=event,
        scans=[checkin.Scan(code=code, scanned_at=at - dt.timedelta(minutes=1))],
    )
    assert earlier.status == "earlier"
    s.refresh_from_db()
    assert s.state == SignUp.State.ATTENDED
    assert s.checked_in_at == at - dt.timedelta(minutes=1)


def test_the_short_form_is_typed_loosely_and_checks_in(cast, world, noon):
    event = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    short = checkin.short_code(checkin.checkin_code(s))
    assert len(short) == 9 and short[4] == "-"
    typed = f" {short.lower().replace('-', '')} ".replace("o", "0").replace("i", "1")
    signup, first = checkin.signup_check_in(actor=cast.worker, event=event, code=typed)
    assert first and signup == s
    with pytest.raises(ActivityError, match="No sign-up"):
        checkin.signup_check_in(actor=cast.worker, event=event, code="ZZZZ-ZZZZ")


def test_a_scan_outside_the_check_in_hours_or_from_the_future_is_refused(cast, world, noon):
    event = _event(world, cast, noon)
    code = checkin.checkin_code(signups.signup_create(actor=cast.liu, event=event))
    results = checkin.checkin_upload(
        actor=cast.worker,
        event=event,
        scans=[
            checkin.Scan(code=code, scanned_at=noon + dt.timedelta(hours=1)),
            checkin.Scan(code=code, scanned_at=event.starts_at - dt.timedelta(hours=3)),
        ],
    )
    assert [(r.status, r.error) for r in results] == [
        ("refused", "bad_time"),
        ("refused", "bad_time"),
    ]
    assert not SignUp.objects.filter(state=SignUp.State.ATTENDED).exists()


def test_an_upload_after_closing_corrects_a_no_show(cast, world, noon, clock):
    event = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    came = signups.signup_create(actor=cast.volunteer, event=event)
    clock.move_to(13)
    checkin.checkin_upload(
        actor=cast.worker,
        event=event,
        scans=[checkin.Scan(code=checkin.checkin_code(came), scanned_at=noon)],
    )
    assert checkin.checkin_close(actor=cast.worker, event=event) == 1
    s.refresh_from_db()
    assert s.state == SignUp.State.NO_SHOW
    # The phone that scanned 刘大爷 at 12:40 was offline until now.
    [result] = checkin.checkin_upload(
        actor=cast.worker,
        event=event,
        scans=[checkin.Scan(code=_code(s), scanned_at=noon + dt.timedelta(minutes=40))],
    )
    assert result.status == "checked_in"
    s.refresh_from_db()
    assert s.state == SignUp.State.ATTENDED


def _code(signup):
    event = signup.event
    return signing.sign(f"SLA1.{event.uuid}.{signup.uuid}", event.checkin_private_key)


def test_closing_before_the_start_is_refused(cast, world, noon):
    event = _event(world, cast, noon)
    signups.signup_create(actor=cast.liu, event=event)
    with pytest.raises(ActivityError, match="once the activity has started"):
        checkin.checkin_close(actor=cast.worker, event=event)
    assert not SignUp.objects.filter(state=SignUp.State.NO_SHOW).exists()


def test_the_tick_list_records_who_came_and_keeps_scanned_check_ins(cast, world, noon):
    event = _event(world, cast, noon)
    liu = signups.signup_create(actor=cast.liu, event=event)
    volunteer = signups.signup_create(actor=cast.volunteer, event=event)
    grid = signups.signup_create(actor=cast.grid_member, event=event)
    checkin.checkin_upload(
        actor=cast.worker, event=event, scans=[checkin.Scan(code=_code(grid), scanned_at=noon)]
    )
    changed = checkin.checkin_tick(actor=cast.worker, event=event, came={str(liu.uuid)})
    assert changed == 2
    states = {s.pk: (s.state, s.checked_in_at) for s in SignUp.objects.filter(event=event)}
    assert states[liu.pk] == (SignUp.State.ATTENDED, event.starts_at)
    assert states[volunteer.pk] == (SignUp.State.NO_SHOW, None)
    assert states[grid.pk] == (SignUp.State.ATTENDED, noon)  # the scan is kept
    assert AuditEntry.objects.filter(detail="sign-in sheet entered").count() == 2


# --- the upload API ---------------------------------------------------------------------


def test_upload_counts_duplicates_and_two_phones_once_and_keeps_the_earliest(cast, world, noon):
    event = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    code = checkin.checkin_code(s)
    t1, t2 = noon + dt.timedelta(minutes=3), noon + dt.timedelta(minutes=1)
    response = _upload(cast.worker, event, [_scan(code, t1, "phone-a"), _scan(code, t1, "phone-a")])
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["checked_in", "already"]
    assert body["results"][0]["name"] == "刘**" and body["checked_in"] == 1
    # The second phone scanned the same code earlier, and uploads later.
    body = _upload(cast.worker, event, [_scan(code, t2, "phone-b")]).json()
    assert body["results"][0]["status"] == "earlier" and body["checked_in"] == 1
    # Sending phone A's batch again changes nothing.
    body = _upload(cast.worker, event, [_scan(code, t1, "phone-a")]).json()
    assert body["results"][0]["status"] == "already"
    s.refresh_from_db()
    assert s.checked_in_at == t2
    assert AuditEntry.objects.filter(detail__startswith="checked in offline").count() == 2


def test_upload_answers_unknown_forged_and_other_events_codes_per_item(cast, world, noon):
    event = _event(world, cast, noon)
    other = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    elsewhere = signups.signup_create(actor=cast.liu, event=other)
    good = checkin.checkin_code(s)
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    crafted = signing.sign(f"SLA1.{other.uuid}.{elsewhere.uuid}", event.checkin_private_key)
    scans = [
        _scan("ABCD-EFGH", noon),
        _scan(forged, noon),
        _scan(checkin.checkin_code(elsewhere), noon),
        _scan(crafted, noon),
        _scan(good, noon),
    ]
    with translation.override("zh-hans"):
        body = _upload(cast.worker, event, scans, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    errors = [(r["status"], r["error"] and r["error"]["code"]) for r in body["results"]]
    assert errors == [
        ("refused", "unknown_code"),
        ("refused", "invalid_code"),
        ("refused", "invalid_code"),
        ("refused", "other_event"),
        ("checked_in", None),
    ]
    messages = [r["error"]["message"] for r in body["results"][:4]]
    assert all(m and not m.isascii() for m in messages), messages  # in Chinese
    elsewhere.refresh_from_db()
    assert elsewhere.state == SignUp.State.CONFIRMED


def test_a_bad_batch_saves_nothing(cast, world, noon):
    event = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    scans = [_scan(checkin.checkin_code(s), noon), {"code": "x", "scanned_at": "not a time"}]
    assert_error(_upload(cast.worker, event, scans), 422, "invalid")
    s.refresh_from_db()
    assert s.state == SignUp.State.CONFIRMED


@pytest.mark.parametrize("who", ["other_worker", "liu", "volunteer", "outsider"])
def test_only_the_organisers_staff_may_upload_or_read_the_list(cast, world, noon, who):
    event = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    user = getattr(cast, who)
    assert_error(_upload(user, event, [_scan(checkin.checkin_code(s), noon)]), 404, "not_found")
    listing = client_for(user).get(f"{API}/activities/events/{event.uuid}/checkin-list")
    assert_error(listing, 404, "not_found")
    for name in ("scanner", "scanner-sw", "sheet", "sheet-pdf"):
        page = client_for(user).get(reverse(f"activities:{name}", args=[event.uuid]))
        assert page.status_code == 404, name
    s.refresh_from_db()
    assert s.state == SignUp.State.CONFIRMED


def test_the_list_gives_masked_names_short_forms_and_the_key(cast, world, noon):
    event = _event(world, cast, noon, max_companions=2)
    s = signups.signup_create(actor=cast.liu, event=event, companions=1)
    body = client_for(cast.worker).get(f"{API}/activities/events/{event.uuid}/checkin-list")
    data = body.json()
    assert data["public_key"] == event.checkin_public_key and data["prefix"] == "SLA1"
    [row] = data["signups"]
    assert row["name"] == "刘**" and row["companions"] == 1
    assert row["short"] == checkin.short_code(checkin.checkin_code(s))
    assert "刘大爷" not in body.content.decode()


# --- the pages --------------------------------------------------------------------------


def test_the_scanner_page_and_its_service_worker(cast, world, noon, client):
    event = _event(world, cast, noon)
    client.force_login(cast.worker)
    page = client.get(reverse("activities:scanner", args=[event.uuid])).content.decode()
    assert 'id="scanner-config"' in page and "scanner.js" in page
    assert reverse("api:checkin_upload", args=[event.uuid]) in page
    sw = client.get(reverse("activities:scanner-sw", args=[event.uuid]))
    assert sw["Content-Type"].startswith("text/javascript")
    body = sw.content.decode()
    assert reverse("activities:scanner", args=[event.uuid]) in body
    assert "/static/vendor/qr-scanner/qr-scanner-worker.min.js" in body


def test_the_tick_list_page_enters_a_sheet_in_one_post(cast, world, noon, client):
    event = _event(world, cast, noon)
    liu = signups.signup_create(actor=cast.liu, event=event)
    volunteer = signups.signup_create(actor=cast.volunteer, event=event)
    client.force_login(cast.worker)
    url = reverse("activities:sheet", args=[event.uuid])
    assert "刘**" in client.get(url).content.decode()
    response = client.post(url, {"came": [str(volunteer.uuid)]})
    assert response.status_code == 302
    liu.refresh_from_db()
    volunteer.refresh_from_db()
    assert (liu.state, volunteer.state) == (SignUp.State.NO_SHOW, SignUp.State.ATTENDED)


def test_the_sheet_is_a_pdf(cast, world, noon, client):
    event = _event(world, cast, noon)
    signups.signup_create(actor=cast.liu, event=event)
    client.force_login(cast.worker)
    response = client.get(reverse("activities:sheet-pdf", args=[event.uuid]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_close_button_records_no_shows(cast, world, noon, client, clock):
    event = _event(world, cast, noon)
    s = signups.signup_create(actor=cast.liu, event=event)
    client.force_login(cast.worker)
    clock.move_to(15)
    client.post(reverse("activities:checkin-close", args=[event.uuid]))
    s.refresh_from_db()
    assert s.state == SignUp.State.NO_SHOW


# --- the event's own code ---------------------------------------------------------------


def test_a_resident_checks_in_by_the_events_own_code_around_its_time(
    cast, world, noon, client, clock
):
    event = _event(world, cast, noon)  # 12:30 to 14:30
    s = signups.signup_create(actor=cast.liu, event=event)
    token = checkin.event_token(event)
    client.force_login(cast.worker)
    console = client.get(reverse("activities:console", args=[event.uuid])).content.decode()
    assert 'id="event-qr"' in console
    client.force_login(cast.liu)
    url = reverse("activities:self-check-in", args=[event.uuid])
    assert f'value="{token}"' in client.get(url, {"t": token}).content.decode()
    response = client.post(url, {"t": token})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == SignUp.State.ATTENDED and s.checked_in_at is not None
    again, first = checkin.checkin_self(actor=cast.liu, event=event, token=token)
    assert not first and again.checked_in_at == s.checked_in_at
    clock.move_to(15)  # after the end
    with translation.override("en"), pytest.raises(ActivityError, match="is over"):
        checkin.checkin_self(actor=cast.liu, event=event, token=token)


def test_the_events_code_refuses_a_forged_token_an_early_scan_and_no_place(
    cast, world, noon, clock
):
    later = make_event(
        world,
        cast.worker,
        starts_at=noon + dt.timedelta(hours=3),
        ends_at=noon + dt.timedelta(hours=4),
    )
    event = _event(world, cast, noon)
    signups.signup_create(actor=cast.liu, event=later)
    with pytest.raises(ActivityError, match="from an hour before"):
        checkin.checkin_self(actor=cast.liu, event=later, token=checkin.event_token(later))
    with pytest.raises(ActivityError, match="not the activity's"):
        checkin.checkin_self(actor=cast.liu, event=event, token=checkin.event_token(later))
    with pytest.raises(ActivityError, match="no place"):
        checkin.checkin_self(actor=cast.volunteer, event=event, token=checkin.event_token(event))
    assert not SignUp.objects.filter(state=SignUp.State.ATTENDED).exists()


def test_an_outsider_cannot_open_the_events_check_in_page(cast, world, noon, client):
    event = _event(world, cast, noon)
    client.force_login(cast.outsider)
    url = reverse("activities:self-check-in", args=[event.uuid])
    assert client.get(url, {"t": checkin.event_token(event)}).status_code == 404
