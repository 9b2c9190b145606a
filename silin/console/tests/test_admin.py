"""The Django admin of every app: who may open it, what is read-only, what is scoped.

It lives with the console, the top layer, because it exercises the admin of core, accounts,
places and people together.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from silin.accounts import services
from silin.accounts.tests.factories import UserFactory, assign
from silin.core import audit
from silin.core.roles import Role
from silin.places.tests.factories import CommunityFactory, StreetFactory


@pytest.fixture
def entry(cast, world):
    return audit.record(actor=cast.worker, action="update", obj=world.tuoyuan)


def test_street_admin_with_staff_flag_may_open_the_admin(cast, login):
    assert login(cast.street_admin).get(reverse("admin:index")).status_code == 200


def test_staff_flag_without_a_street_role_is_not_enough(cast, login):
    cast.worker.is_staff = True
    cast.worker.save(update_fields=["is_staff"])
    response = login(cast.worker).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize("who", ["worker", "liu", "outsider"])
def test_people_without_a_street_role_cannot_open_the_admin(cast, login, who):
    assert login(getattr(cast, who)).get(reverse("admin:index")).status_code == 302


def test_street_admin_sees_audit_entries_in_the_admin_but_cannot_change_them(cast, entry, login):
    client = login(cast.street_admin)
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    change = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403


def test_even_a_superuser_cannot_add_change_or_delete_audit_entries(cast, entry, login):
    root = UserFactory(is_staff=True, is_superuser=True)
    client = login(root)
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403
    response = client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"detail": "changed"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.detail == ""


def test_scoped_admin_lists_only_users_in_the_admins_street(cast, world, login):
    elsewhere = CommunityFactory(street=StreetFactory(name="别的街道"), name="别的社区")
    stranger = UserFactory(name="外街社工")
    assign(stranger, Role.COMMUNITY_WORKER, elsewhere)
    html = login(cast.street_admin).get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "三江社工" in html
    assert "刘大爷" in html
    assert "外街社工" not in html
    response = login(cast.street_admin).get(
        reverse("admin:accounts_user_change", args=[stranger.pk])
    )
    assert response.status_code == 302  # Django admin: a missing object redirects to the list


def test_access_tokens_are_read_only_in_the_admin(cast, login):
    token, _ = services.token_create(actor=cast.worker, name="报表")
    client = login(cast.street_admin)
    assert client.get(reverse("admin:accounts_accesstoken_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_accesstoken_add")).status_code == 403


@pytest.mark.parametrize("model", ["people/resident", "places/household"])
def test_register_records_are_browse_only_in_the_admin_even_for_a_superuser(
    model, cast, world, login
):
    root = UserFactory(mobile="13900000099", is_staff=True, is_superuser=True)
    client = login(root)
    app, name = model.split("/")
    obj = world.liu if name == "resident" else world.liu_household
    change_url = reverse(f"admin:{app}_{name}_change", args=[obj.pk])
    assert client.get(reverse(f"admin:{app}_{name}_add")).status_code == 403
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"name": "改名"}).status_code == 403


def test_street_admin_browses_the_register_in_the_admin_within_the_street(cast, world, login):
    page = login(cast.street_admin).get(reverse("admin:people_resident_changelist"))
    assert page.status_code == 200
    assert "刘大爷" in page.content.decode()
