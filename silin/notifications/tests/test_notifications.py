"""Notices: stored per user as a kind and params, rendered when read, texted when asked,
listed, marked read; nobody reads another's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from silin.accounts import sms
from silin.core import personal_data as pd
from silin.notifications import kinds
from silin.notifications.models import Notification
from silin.notifications.services import (
    notification_mark_read,
    notification_send,
    notification_sms_task,
)

pytestmark = pytest.mark.django_db

KIND = "test.greeting"


def _greeting(p):
    # "My notices" and "Notices" are in this app's catalogue: the title follows the reader.
    return kinds.Rendered(f"{_('My notices')}: {p['name']}", kinds.when(p["at"]), p.get("url", ""))


@pytest.fixture(autouse=True)
def greeting_kind(monkeypatch):
    monkeypatch.setitem(kinds._RENDERERS, KIND, _greeting)


def _titles(response) -> list[str]:
    """The titles of the notices listed on the page, in order."""
    found = re.findall(r'<h2 class="h5 mb-1">(.*?)</h2>', response.content.decode(), re.S)
    return [re.sub(r"<span.*?</span>", "", t, flags=re.S).strip() for t in found]


def _send(user, name="棋牌室", **kw):
    url = kw.pop("url", "")
    at = dt.datetime(2027, 12, 3, 1, 0, tzinfo=dt.UTC)
    params = {"name": name, "at": at, **({"url": url} if url else {})}
    return notification_send(user=user, kind=KIND, params=params, **kw)


def test_a_notice_stores_its_kind_and_plain_params_never_a_sentence(cast):
    notice = _send(cast.liu)
    notice.refresh_from_db()
    assert notice.params == {"name": "棋牌室", "at": "2027-12-03T01:00:00+00:00"}
    assert (notice.legacy_title, notice.legacy_body, notice.legacy_url) == ("", "", "")


def test_text_to_show_is_refused_as_a_param(cast):
    from django.utils.translation import gettext_lazy

    with pytest.raises(TypeError):
        notification_send(user=cast.liu, kind=KIND, params={"name": gettext_lazy("Notices")})
    with pytest.raises(TypeError):
        notification_send(
            user=cast.liu,
            kind=KIND,
            params={"name": "x", "at": dt.datetime(2027, 1, 1)},  # noqa: DTZ001
        )  # naive on purpose: which zone would the reader see it in?


def test_an_unregistered_kind_cannot_be_sent(cast):
    with pytest.raises(LookupError):
        notification_send(user=cast.liu, kind="nobody.renders.this", params={})


def test_a_notice_is_texted_only_after_commit_and_only_when_asked(
    cast, django_capture_on_commit_callbacks
):
    cast.liu.language = "zh-hans"
    cast.liu.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        quiet = _send(cast.liu)
        loud = _send(cast.liu, name="舞蹈室", sms=True)
    assert not sms.outbox  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert not quiet.sms and loud.sms
    assert sms.outbox == [(cast.liu.mobile, "我的通知: 舞蹈室 2027年12月3日 09:00")]


def test_the_sms_is_rendered_in_the_recipients_language_when_the_task_runs(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notice = _send(cast.liu, sms=True)
    cast.liu.language = "en"  # switched between the send and the task
    cast.liu.save(update_fields=["language"])
    assert notification_sms_task.call(notice.pk) is True
    [(mobile, text)] = sms.outbox
    assert mobile == cast.liu.mobile and text.startswith("My notices: 棋牌室 ")
    assert "9:00" in text or "9 a.m." in text  # Asia/Shanghai, not UTC's 01:00


def test_the_sms_task_sends_nothing_for_a_deleted_notice(cast):
    notice = _send(cast.liu, sms=True)
    sms.outbox.clear()
    pk = notice.pk
    notice.delete()
    assert notification_sms_task.call(pk) is False
    assert sms.outbox == []


def test_marking_read_touches_only_the_actors_notices(cast):
    mine, other = _send(cast.liu), _send(cast.worker)
    assert notification_mark_read(actor=cast.liu) == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None


def test_the_notices_page_lists_my_notices_newest_first(cast, login):
    _send(cast.liu, name="第一条")
    _send(cast.liu, name="第二条")
    _send(cast.worker, name="别人的")
    response = login(cast.liu).get("/notifications/")
    assert response.status_code == 200
    assert _titles(response) == ["我的通知: 第二条", "我的通知: 第一条"]


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
        _send(cast.liu, name=f"n{i}")
    Notification.objects.create(recipient=cast.liu, kind="gone.app", params={"x": 1})
    Notification.objects.create(recipient=cast.liu, kind="x", legacy_title="旧通知")
    assert count() == few


def test_the_home_panel_takes_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    from silin.notifications.home import unread_panel

    for i in range(5):
        _send(cast.liu, name=f"n{i}")
    with django_assert_num_queries(2):  # the newest four, then the count
        panel = unread_panel(cast.liu)
        assert [n.rendered.title for n in panel["notices"]][0].endswith("n4")


def test_opening_a_notice_marks_it_read_and_follows_its_link(cast, login):
    notice = _send(cast.liu, url="/spaces/bookings/mine/")
    response = login(cast.liu).post(f"/notifications/{notice.uuid}/open/", {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/spaces/bookings/mine/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_never_redirects_off_site(cast, login):
    notice = _send(cast.liu, url="https://evil.example/")
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


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("zh-hans", "我的通知: 棋牌室"),
        ("en", "My notices: 棋牌室"),
        ("zh-hant", "我的通知: 棋牌室"),
    ],
)
def test_one_stored_notice_reads_in_each_readers_language(cast, login, language, title):
    _send(cast.liu)
    client = login(cast.liu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert _titles(client.get("/notifications/")) == [title]


def test_a_kind_nobody_renders_any_more_shows_a_generic_notice(cast, login):
    Notification.objects.create(recipient=cast.liu, kind="removed.app", params={"a": 1})
    client = login(cast.liu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/notifications/")
    assert response.status_code == 200 and _titles(response) == ["Notice"]
    home = client.get("/")
    assert home.status_code == 200 and "New notices" in home.content.decode()


def test_a_renderer_failing_on_old_params_shows_a_generic_notice(cast, login):
    Notification.objects.create(recipient=cast.liu, kind=KIND, params={"name": "no date"})
    response = login(cast.liu).get("/notifications/")
    assert response.status_code == 200 and _titles(response) == ["通知"]


def test_notices_stored_before_rendering_on_read_show_their_sentence(cast, login):
    Notification.objects.create(
        recipient=cast.liu,
        kind="booking_approved",
        legacy_title="预约已通过",
        legacy_body="邻里荟，12月1日 09:00–11:00",
        legacy_url="/spaces/bookings/mine/",
    )
    response = login(cast.liu).get("/notifications/")
    assert _titles(response) == ["预约已通过"]
    assert "邻里荟，12月1日 09:00–11:00" in response.content.decode()


def test_datetimes_render_in_the_readers_time_zone(cast):
    notice = _send(cast.liu)
    with timezone.override("Europe/London"):
        assert kinds.hm(notice.params["at"]) == "01:00"
    assert kinds.hm(notice.params["at"]) == "09:00"  # Asia/Shanghai


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/badge/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "login" in response["Location"]


def test_my_data_lists_the_notices_i_received(cast, world):
    _send(cast.liu, name="给我的")
    _send(cast.worker, name="别人的")
    for language, title in (("zh-hans", "我的通知: 给我的"), ("en", "My notices: 给我的")):
        with translation.override(language):
            subject = pd.Subject(user=cast.liu, resident=world.liu)
            sections = {s.key: s for s in pd.collect(subject)}
        assert [r.title for r in sections["notifications.notices"].records] == [title]


def test_a_kind_is_registered_once():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        kinds.register(KIND, lambda p: kinds.Rendered("other"))
    with pytest.raises(ImproperlyConfigured):
        kinds.register("x" * 51, _greeting)
