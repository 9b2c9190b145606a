from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from silin.core import audit

AUDIT = "console:audit-list"


@pytest.fixture
def entries(cast, world):
    """One entry in each community, and one with no place in the tree."""
    sanjiang = audit.record(actor=cast.worker, action="update", obj=world.tuoyuan)
    jinlong = audit.record(actor=cast.other_worker, action="create", obj=world.jindu)
    login = audit.record(actor=cast.liu, action="login", object_type="accounts.user")
    return sanjiang, jinlong, login


def test_street_admin_reads_the_audit_log(cast, entries, login):
    response = login(cast.street_admin).get(reverse(AUDIT))
    assert response.status_code == 200
    html = response.content.decode()
    assert "三江社工" in html
    assert "金龙社工" in html


@pytest.mark.parametrize(
    "who", ["worker", "other_worker", "grid_member", "liu", "volunteer", "outsider"]
)
def test_everyone_else_gets_404_from_the_audit_log(cast, entries, login, who):
    assert login(getattr(cast, who)).get(reverse(AUDIT)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse(AUDIT))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_audit_log_filters_by_community_action_actor_and_type(cast, world, entries, login):
    client = login(cast.street_admin)

    def rows(**params):
        page = client.get(reverse(AUDIT), params).context["page"]
        return {e.pk for e in page.object_list}

    sanjiang, jinlong, _ = entries
    assert rows(community=str(world.sanjiang.uuid)) == {sanjiang.pk}
    # An integer primary key is no filter value: the field says so and nothing is hidden.
    assert rows(community=str(world.sanjiang.pk)) == rows()
    assert rows(action="create") == {jinlong.pk}
    assert rows(actor="金龙") == {jinlong.pk}
    assert rows(object_type="places.compound") == {sanjiang.pk, jinlong.pk}


def test_the_audit_log_names_kinds_of_record_in_the_readers_language(cast, entries, login):
    client = login(cast.street_admin)
    client.cookies["silin_language"] = "zh-hans"
    html = client.get(reverse(AUDIT)).content.decode()
    assert "小区" in html and "places.compound" not in html.split("<tbody", 1)[1]
    client.cookies["silin_language"] = "en"
    assert "Compound" in client.get(reverse(AUDIT)).content.decode()


def test_audit_log_filters_by_date_range_in_local_time(cast, entries, login):
    client = login(cast.street_admin)
    today = timezone.localdate()
    page = client.get(reverse(AUDIT), {"date_from": today, "date_to": today}).context["page"]
    assert page.paginator.count >= 2
    yesterday = today - dt.timedelta(days=1)
    page = client.get(reverse(AUDIT), {"date_to": yesterday}).context["page"]
    assert page.paginator.count == 0


def test_a_backwards_date_range_is_reported_next_to_the_field(cast, entries, login, settings):
    client = login(cast.street_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    today = timezone.localdate()
    response = client.get(
        reverse(AUDIT), {"date_from": today, "date_to": today - dt.timedelta(days=3)}
    )
    assert "The end date must not be before the start date." in response.content.decode()


def test_audit_log_is_paginated_with_a_fixed_number_of_queries(
    cast, world, login, django_assert_num_queries
):
    for _ in range(60):
        audit.record(actor=cast.worker, action="update", obj=world.tuoyuan)
    client = login(cast.street_admin)
    client.get(reverse(AUDIT))
    # session, user (with its role grants), communities, object types, count, page
    with django_assert_num_queries(6):
        response = client.get(reverse(AUDIT))
    page = response.context["page"]
    assert page.paginator.num_pages == 2
    assert len(page.object_list) == 50
    with django_assert_num_queries(6):
        client.get(reverse(AUDIT), {"page": 2})
