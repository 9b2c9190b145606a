"""Error pages speak the reader's language, sit in the site's frame and lead back home."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from silin.core import errors


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-hans", "找不到这个页面"),
        ("zh-hant", "找不到這個頁面"),
        ("en", "This page cannot be found"),
    ],
)
def test_a_missing_page_is_a_404_in_the_readers_language_with_a_way_home(
    cast, login, language, text
):
    client = login(cast.liu)
    client.cookies["silin_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert 'id="error-home"' in html
    assert f'href="{reverse("console:home")}"' in html
    assert "silin-header" in html  # the site's frame


def test_a_404_to_an_anonymous_visitor_offers_to_log_in(db):
    html = Client().get("/no-such-page/").content.decode()
    assert reverse("accounts:login") in html


def test_the_403_and_400_pages_are_the_sites_own(rf, cast):
    request = rf.get("/")
    request.user = cast.liu
    assert errors.permission_denied(request).status_code == 403
    assert "silin-header" in errors.bad_request(request).content.decode()


def test_the_500_page_needs_no_database(rf, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "/static/" in response.content.decode()


def test_an_expired_form_says_what_to_do(cast, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.liu)
    response = client.post(reverse("notifications:notification-read-all"))
    assert response.status_code == 403
    assert "error-home" in response.content.decode()


def test_the_console_log_leaves_out_bad_request_lines_only():
    import logging

    from silin.core.logs import DropBadRequest

    def record(status: int) -> logging.LogRecord:
        entry = logging.LogRecord("django.request", logging.WARNING, "", 0, "x", (), None)
        entry.status_code = status
        return entry

    assert not DropBadRequest().filter(record(400))
    assert DropBadRequest().filter(record(403)) and DropBadRequest().filter(record(500))
