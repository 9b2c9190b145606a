from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from silin.accounts import services
from silin.accounts.models import AccessToken, User


def test_profile_needs_login(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_profile_shows_name_masked_mobile_and_roles_with_their_node(cast, login):
    html = login(cast.worker).get(reverse("accounts:profile")).content.decode()
    assert "三江社工" in html
    assert "139****0002" in html
    assert "13900000002" not in html
    assert "社区工作者 · 三江社区" in html


def test_preferences_are_saved_and_set_the_language_cookie(cast, login, settings):
    client = login(cast.liu)
    response = client.post(
        reverse("accounts:preferences"), {"language": "en", "elderly_mode": "on"}
    )
    assert response.status_code == 302
    user = User.objects.get(pk=cast.liu.pk)
    assert user.language == "en"
    assert user.elderly_mode is True
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "My profile" in html
    assert 'class="elderly"' in html


def test_an_unknown_language_is_refused_next_to_the_field(cast, login):
    response = login(cast.liu).post(reverse("accounts:preferences"), {"language": "fr"})
    assert response.status_code == 400
    assert User.objects.get(pk=cast.liu.pk).language == ""


def test_password_change_applies_the_password_rules(cast, login):
    client = login(cast.liu)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": cast.password, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_new_password2-error"' in html
    assert User.objects.get(pk=cast.liu.pk).check_password(cast.password)


def test_password_change_needs_the_current_password(cast, login):
    response = login(cast.liu).post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "Qiu-tian-2026!",
            "new_password2": "Qiu-tian-2026!",
        },
    )
    assert response.status_code == 400
    assert 'id="id_old_password-error"' in response.content.decode()


def test_password_change_keeps_the_user_signed_in(cast, login):
    client = login(cast.liu)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": cast.password,
            "new_password1": "Qiu-tian-2026!",
            "new_password2": "Qiu-tian-2026!",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.liu.pk).check_password("Qiu-tian-2026!")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_token_secret_is_shown_once_then_only_its_prefix(cast, login):
    client = login(cast.worker)
    response = client.post(reverse("accounts:token-create"), {"name": "报表"})
    html = response.content.decode()
    secret = re.search(r'value="(sl_[^"]+)" id="new-token-secret"', html).group(1)
    assert services.token_authenticate(secret) == cast.worker
    assert response["Cache-Control"].startswith("max-age=0")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert secret not in page
    assert AccessToken.objects.get(user=cast.worker).prefix in page


def test_token_create_without_a_name_says_so(cast, login):
    response = login(cast.worker).post(reverse("accounts:token-create"), {"name": " "})
    assert response.status_code == 400
    assert 'id="id_name-error"' in response.content.decode()
    assert not AccessToken.objects.exists()


def test_revoked_token_no_longer_authenticates(cast, login):
    token, secret = services.token_create(actor=cast.worker, name="报表")
    assert services.token_authenticate(secret) == cast.worker
    response = login(cast.worker).post(reverse("accounts:token-revoke", args=[token.uuid]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.token_authenticate(secret) is None


@pytest.mark.parametrize("who", ["street_admin", "other_worker", "outsider"])
def test_nobody_else_can_revoke_a_users_token(cast, login, who):
    token, secret = services.token_create(actor=cast.worker, name="报表")
    response = login(getattr(cast, who)).post(reverse("accounts:token-revoke", args=[token.uuid]))
    assert response.status_code == 404
    assert services.token_authenticate(secret) == cast.worker


def test_revoking_an_unknown_token_is_404(cast, login):
    response = login(cast.worker).post(reverse("accounts:token-revoke", args=[uuid.uuid4()]))
    assert response.status_code == 404
