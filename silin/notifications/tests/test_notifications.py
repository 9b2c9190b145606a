"""Notices: stored per user, texted when asked, listed, marked read; nobody reads another's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from silin.accounts import sms
from silin.core import personal_data as pd
from silin.notifications.models import Notification
from silin.notifications.services import notification_mark_read, notification_send

pytestmark = pytest.mark.django_db


def _send(user, title="Booking approved", **kw):
    return notification_send(user=user, kind="booking_approved", title=title, body="棋牌室", **kw)


def test_a_notice_is_stored_and_texted_only_after_commit_when_asked(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        quiet = _send(cast.liu)
        loud = _send(cast.liu, title="Tomorrow: your booking", sms=True)
    assert not sms.outbox  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert not quiet.sms and loud.sms
    assert sms.outbox == [(cast.liu.mobile, "Tomorrow: your booking 棋牌室")]


def test_marking_read_touches_only_the_actors_notices(cast):
    mine, other = _send(cast.liu), _send(cast.worker)
    assert notification_mark_read(actor=cast.liu) == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None


def test_the_notices_page_lists_my_notices_newest_first(cast, login):
    _send(cast.liu, title="第一条")
    _send(cast.liu, title="第二条")
    _send(cast.worker, title="别人的")
    response = login(cast.liu).get("/notifications/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("第二条") < body.index("第一条") and "别人的" not in body


def test_the_notices_page_takes_a_fixed_number_of_queries(cast, login):
    client = login(cast.liu)
    client.get("/notifications/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/notifications/").status_code == 200
        return len(ctx.captured_queries)

    _send(cast.liu)
    few = count()
    for i in range(15):
        _send(cast.liu, title=f"n{i}")
    assert count() == few


def test_opening_a_notice_marks_it_read_and_follows_its_link(cast, login):
    notice = notification_send(user=cast.liu, kind="x", title="t", url="/spaces/bookings/mine/")
    response = login(cast.liu).post(f"/notifications/{notice.uuid}/open/", {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/spaces/bookings/mine/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_never_redirects_off_site(cast, login):
    notice = notification_send(user=cast.liu, kind="x", title="t", url="https://evil.example/")
    response = login(cast.liu).post(f"/notifications/{notice.uuid}/open/", {"go": "1"})
    assert response["Location"] == "/notifications/"


def test_someone_elses_notice_is_404(cast, login):
    notice = _send(cast.worker)
    assert login(cast.liu).post(f"/notifications/{notice.uuid}/open/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_badge_counts_unread_notices(cast, login):
    client = login(cast.liu)
    assert client.get("/notifications/badge/").content.strip() == b""
    _send(cast.liu)
    _send(cast.liu)
    assert b">2<" in client.get("/notifications/badge/").content
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=cast.liu, read_at__isnull=True).exists()
    assert client.get("/notifications/badge/").content.strip() == b""


def test_the_header_loads_the_badge_without_a_query_of_its_own(cast, login):
    body = login(cast.liu).get("/notifications/").content.decode()
    assert 'hx-get="/notifications/badge/"' in body


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "全部标为已读"), ("en", "My notices"), ("zh-hant", "全部標爲已讀")],
)
def test_the_page_speaks_each_language(cast, login, language, words):
    _send(cast.liu)
    client = login(cast.liu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert words in client.get("/notifications/").content.decode()


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/badge/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "login" in response["Location"]


def test_my_data_lists_the_notices_i_received(cast, world):
    _send(cast.liu, title="给我的")
    _send(cast.worker, title="别人的")
    sections = {s.key: s for s in pd.collect(pd.Subject(user=cast.liu, resident=world.liu))}
    assert [r.title for r in sections["notifications.notices"].records] == ["给我的"]
