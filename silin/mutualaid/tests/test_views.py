"""The pages of neighbour services, end to end through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from silin.core.models import AuditEntry
from silin.mutualaid.models import Account, HelpRequest, Proposal, ServiceRecord
from silin.mutualaid.tests.factories import make_helper, make_record, make_request

pytestmark = pytest.mark.django_db
S = HelpRequest.State


@pytest.fixture
def now(clock):
    return clock.move_to(9)


def test_liu_asks_in_three_taps_and_the_whole_service_lands_in_the_helpers_account(
    cast, world, now, login, client, clock, django_capture_on_commit_callbacks
):
    tang = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    login(cast.liu)
    page = client.get(reverse("mutualaid:need"))
    assert (
        page.status_code == 200
        and reverse("mutualaid:ask", args=["shopping"]) in page.content.decode()
    )
    assert client.get(reverse("mutualaid:ask", args=["shopping"])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("mutualaid:ask", args=["shopping"]),
            {"when": "today_afternoon", "agreed_minutes": 60, "urgency": "normal"},
        )
    r = HelpRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "mutualaid:request-detail", args=[r.uuid]
    )

    login(cast.worker)
    board = reverse("mutualaid:board", args=[world.sanjiang.uuid])
    client.post(reverse("mutualaid:board-run", args=[world.sanjiang.uuid]))
    html = client.get(board).content.decode()
    assert "唐丽" in html and "楼上楼下" in html or "upstairs" in html
    client.post(reverse("mutualaid:board-confirm", args=[world.sanjiang.uuid]))
    proposal = Proposal.objects.get()
    assert proposal.state == Proposal.State.CONFIRMED

    login(tang.user)
    detail = reverse("mutualaid:request-detail", args=[r.uuid])
    before = client.get(detail).content.decode()
    assert world.liu_household.door not in before  # no door before accepting
    client.post(reverse("mutualaid:proposal-accept", args=[proposal.uuid]))
    after = client.get(detail).content.decode()
    assert world.liu_household.door in after and "13800001234" in after
    assert (
        AuditEntry.objects.filter(
            action="reveal", detail="mutualaid.contact_reveal", actor=tang.user
        ).count()
        == 1
    )

    client.post(reverse("mutualaid:check-in", args=[r.uuid]))
    clock.move_to(10, 5)
    client.post(reverse("mutualaid:check-out", args=[r.uuid]), {"claimed_minutes": 60})
    record = ServiceRecord.objects.get()
    assert record.state == ServiceRecord.State.PENDING

    login(cast.liu)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mutualaid:service-confirm", args=[record.uuid]))
    record.refresh_from_db()
    assert record.state == ServiceRecord.State.COMMITTED
    account = Account.objects.get(resident=tang.resident)
    assert account.balance == 60
    assert sum(Account.objects.values_list("balance", flat=True)) == 0


@pytest.mark.parametrize("who", ["outsider", "other_worker", "volunteer"])
def test_a_request_is_404_to_anyone_else(cast, world, now, login, client, who):
    r = make_request(world.liu)
    login(getattr(cast, who))
    assert client.get(reverse("mutualaid:request-detail", args=[r.uuid])).status_code == 404
    assert client.get(reverse("mutualaid:board", args=[world.sanjiang.uuid])).status_code == 404
    assert client.post(reverse("mutualaid:request-cancel", args=[r.uuid])).status_code == 404


def test_a_worker_asks_for_a_resident_from_the_board(cast, world, now, login, client):
    login(cast.worker)
    page = client.get(reverse("mutualaid:board", args=[world.sanjiang.uuid]), {"name": "刘"})
    assert "刘大爷" in page.content.decode()
    url = reverse("mutualaid:ask", args=["visit"]) + f"?for={world.liu.uuid}"
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "when": "tomorrow_morning",
            "agreed_minutes": 60,
            "urgency": "soon",
            "for": str(world.liu.uuid),
        },
    )
    r = HelpRequest.objects.get()
    assert (r.requester, r.raised_as, r.urgency) == (world.liu, "worker", "soon")


def test_a_bad_ask_says_why_and_saves_nothing(cast, world, now, login, client):
    login(cast.liu)
    page = client.post(
        reverse("mutualaid:ask", args=["shopping"]),
        {"when": "yesterday", "agreed_minutes": 60, "urgency": "normal"},
    )
    assert page.status_code == 200
    assert not HelpRequest.objects.exists()
    assert "is-invalid" in page.content.decode() or "alert-danger" in page.content.decode()


def test_an_unknown_kind_is_404(cast, login, client, now):
    login(cast.liu)
    assert client.get(reverse("mutualaid:ask", args=["juggling"])).status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("elderly", [False, True])
def test_every_page_in_every_language_and_elderly_mode(
    cast, world, now, login, client, language, elderly
):
    helper = make_helper(unit=world.tuoyuan_unit, floor=3)
    r = make_request(world.liu, state=S.ACCEPTED, helper=helper, start=now + dt.timedelta(hours=1))
    pages = [
        (cast.liu, reverse("mutualaid:need")),
        (cast.liu, reverse("mutualaid:ask", args=["shopping"])),
        (cast.liu, reverse("mutualaid:request-detail", args=[r.uuid])),
        (helper.user, reverse("mutualaid:helping")),
        (cast.worker, reverse("mutualaid:board", args=[world.sanjiang.uuid])),
        (cast.worker, reverse("mutualaid:helpers", args=[world.sanjiang.uuid])),
    ]
    for user, url in pages:
        user.elderly_mode = elderly
        user.save(update_fields=["elderly_mode"])
        login(user)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert f'lang="{language}"' in html
        assert ('<body class="elderly"' in html) == elderly, url


def test_the_statement_the_certificate_pdf_and_its_public_check(cast, world, now, login, client):
    import io

    from pypdf import PdfReader

    from silin.mutualaid.models import Certificate
    from silin.mutualaid.services import ledger

    tang = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    r = make_request(world.liu, state=S.DONE, helper=tang, start=now - dt.timedelta(hours=3))
    record = make_record(
        r,
        minutes=90,
        state=ServiceRecord.State.COMMITTED,
        checked_in_at=now - dt.timedelta(hours=3),
    )
    ledger.service_credit(record=record, actor=None, now=now)
    login(tang.user)
    mine = client.get(reverse("mutualaid:statement"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "1 小时 30 分钟" in mine.content.decode() or "1 h 30 min" in mine.content.decode()
    assert (
        client.post(
            reverse("mutualaid:certificate-issue", args=[tang.resident.uuid]),
            {"period_start": str(now.date() - dt.timedelta(days=7)), "period_end": str(now.date())},
        ).status_code
        == 302
    )
    assert not Certificate.objects.exists()  # only a coordinator issues

    login(cast.worker)
    url = reverse("mutualaid:statement-of", args=[tang.resident.uuid])
    assert client.get(url).status_code == 200
    client.post(
        reverse("mutualaid:certificate-issue", args=[tang.resident.uuid]),
        {"period_start": str(now.date() - dt.timedelta(days=7)), "period_end": str(now.date())},
    )
    certificate = Certificate.objects.get()
    pdf = client.get(
        reverse("mutualaid:certificate-pdf", args=[certificate.uuid]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert certificate.number in text and "唐丽" in text

    client.logout()
    page = client.get(reverse("mutualaid:certificate-verify", args=[certificate.number]))
    assert page.status_code == 200 and "唐*" in page.content.decode()
    assert client.get(reverse("mutualaid:certificate-verify", args=["SL-NOPE"])).status_code == 404
    login(cast.outsider)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("mutualaid:certificate-pdf", args=[certificate.uuid])).status_code == 404
    )


def test_the_board_costs_the_same_queries_whatever_the_rows(cast, world, now, login, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from silin.mutualaid.services import matching as match_services

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.get(reverse("mutualaid:board", args=[world.sanjiang.uuid])).status_code
                == 200
            )
        return len(ctx)

    make_helper(unit=world.tuoyuan_unit, floor=3, monthly_cap=20)
    make_request(world.liu)
    login(cast.worker)
    match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    count()  # the first page of a session also refreshes it
    few = count()
    for _ in range(8):
        make_request(world.liu)
    make_request(world.other_resident)
    match_services.matching_run(actor=cast.worker, community=world.sanjiang, now=now)
    assert count() == few


def test_liu_pays_for_his_help_with_hours_he_earned_once(cast, world, now, login, client):
    from silin.mutualaid.services import ledger

    tang = make_helper(unit=world.tuoyuan_unit, floor=3, name="唐丽")
    from silin.mutualaid.models import HelperProfile

    # 刘大爷 earned two hours visiting a neighbour last week.
    liu_as_helper = HelperProfile.objects.create(
        resident=world.liu, community=world.sanjiang, skills=["visit"]
    )
    earlier = make_request(world.other_resident, state=S.DONE, helper=liu_as_helper)
    earned = make_record(
        earlier,
        minutes=120,
        state=ServiceRecord.State.COMMITTED,
        checked_in_at=now - dt.timedelta(days=3),
    )
    ledger.service_credit(record=earned, actor=None, now=now)
    r = make_request(world.liu, state=S.DONE, helper=tang, start=now - dt.timedelta(hours=3))
    record = make_record(
        r,
        minutes=60,
        state=ServiceRecord.State.COMMITTED,
        checked_in_at=now - dt.timedelta(hours=3),
    )
    login(cast.liu)
    page = client.get(reverse("mutualaid:request-detail", args=[r.uuid])).content.decode()
    assert 'id="redeem"' in page
    client.post(reverse("mutualaid:service-redeem", args=[record.uuid]))
    assert Account.objects.get(resident=world.liu).balance == 60
    client.post(reverse("mutualaid:service-redeem", args=[record.uuid]))  # once only
    assert Account.objects.get(resident=world.liu).balance == 60
    page = client.get(reverse("mutualaid:request-detail", args=[r.uuid])).content.decode()
    assert 'id="redeem"' not in page


def test_the_board_pages_each_section_and_counts_all_of_it(cast, world, now, login, client):
    made = [
        make_request(world.liu, start=now + dt.timedelta(hours=1, minutes=i)) for i in range(27)
    ]
    login(cast.worker)
    board = reverse("mutualaid:board", args=[world.sanjiang.uuid])
    first = client.get(board, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The button matches every open request, not only those the page shows.
    assert "Match 27 open requests" in first
    assert "Page 1 of 2" in first and "?unmatched=2" in first
    assert str(made[24].uuid) in first and str(made[25].uuid) not in first  # 25 a page
    second = client.get(board, {"unmatched": "2"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert str(made[25].uuid) in second and str(made[26].uuid) in second
    assert str(made[0].uuid) not in second and "Match 27 open requests" in second
    for junk in ("0", "x", "99"):
        assert client.get(board, {"unmatched": junk}).status_code == 200
    login(cast.other_worker)
    assert client.get(board, {"unmatched": "2"}).status_code == 404
