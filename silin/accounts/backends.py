from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from silin.lib import phones
from silin.lib.prepared import Prepared

_USER_BY_PK: Prepared | None = None


def _user_by_pk() -> Prepared:
    global _USER_BY_PK
    if _USER_BY_PK is None:
        model = get_user_model()
        _USER_BY_PK = Prepared(
            lambda pk: model._default_manager.filter(pk=pk).order_by(), model._meta.pk
        )
    return _USER_BY_PK


class MobilePasswordBackend(ModelBackend):
    """Password login by mobile number. Lockout is enforced by the login service, which
    counts failures before this backend is consulted."""

    def authenticate(self, request, username=None, password=None, mobile=None, **kwargs):
        return super().authenticate(
            request, username=phones.normalise(mobile or username or ""), password=password
        )

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_locked()

    def get_user(self, user_id):
        """The signed-in user of every page's session, by a query compiled once
        (`lib.prepared`); the same rule as Django's (active, not locked)."""
        user = _user_by_pk().first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
