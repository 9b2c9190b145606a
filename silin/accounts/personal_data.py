"""The sections accounts contribute to a person's "My data" (see core.personal_data): the
login account with its roles, and the names of its access tokens."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from silin.core import personal_data as pd


def login_account(subject: pd.Subject) -> pd.Section | None:
    u = subject.user
    if u is None:
        return None
    account = pd.Record(
        title=u.name,
        fields=[
            (_("Name"), u.name),
            (_("Mobile number (sign-in)"), u.mobile),
            (_("Language"), dict(settings.LANGUAGES).get(u.language, u.language)),
            (_("长辈版 (large text)"), u.elderly_mode),
            (_("Account created at"), u.date_joined),
            (_("Last signed in at"), u.last_login),
        ],
    )
    roles = [
        pd.Record(
            title=a.get_role_display(),
            fields=[(_("Where"), str(a.node)), (_("Since"), a.created_at)],
        )
        for a in u.active_role_assignments()
    ]
    return pd.Section(title=_("Login account and roles"), records=[account, *roles])


def access_tokens(subject: pd.Subject) -> pd.Section | None:
    u = subject.user
    if u is None:
        return None
    records = [
        pd.Record(
            title=t.name,
            fields=[
                (_("Created"), t.created_at),
                (_("Last used"), t.last_used_at),
                (_("Revoked"), t.revoked_at),
            ],
        )
        for t in u.access_tokens.all()
    ]
    return pd.Section(
        title=_("Access tokens"),
        records=records,
        note=_("Names only: the secrets are never stored readable."),
    )


def register() -> None:
    pd.register("accounts.account", login_account, order=70)
    pd.register("accounts.tokens", access_tokens, order=80)
