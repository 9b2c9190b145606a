from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from silin.lib import phones


class MobilePasswordBackend(ModelBackend):
    """Password login by mobile number. Lockout is enforced by the login service, which
    counts failures before this backend is consulted."""

    def authenticate(self, request, username=None, password=None, mobile=None, **kwargs):
        return super().authenticate(
            request, username=phones.normalise(mobile or username or ""), password=password
        )

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_locked()
