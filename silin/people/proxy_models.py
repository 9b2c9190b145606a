"""Family proxies (亲情账号): a relative or carer acting for a resident, with consent.

Imported by `people.models`; a module of its own because the register's models are long.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silin.accounts.models import User
from silin.core.acting import ActingContext, Power

MAX_PROXIES_PER_PRINCIPAL = 5
MAX_PRINCIPALS_PER_PROXY = 5


class ProxyLinkQuerySet(models.QuerySet):
    def open(self) -> ProxyLinkQuerySet:
        """Invited or active: the links that count towards the limits."""
        return self.filter(state__in=ProxyLink.OPEN_STATES)

    def in_force(self, today: dt.date | None = None) -> ProxyLinkQuerySet:
        """Active and not past their end date: the links a proxy may act under."""
        today = today or timezone.localdate()
        return self.filter(state=ProxyLink.State.ACTIVE).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today)
        )


class ProxyLink(models.Model):
    class Relation(models.TextChoices):
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        SPOUSE = "spouse", _("Spouse")
        RELATIVE = "relative", _("Other relative")
        CARER = "carer", _("Carer")

    class State(models.TextChoices):
        INVITED = "invited", _("Waiting for the proxy to accept")
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")
        STEPPED_DOWN = "stepped_down", _("The proxy stepped down")
        DECLINED = "declined", _("Declined by the proxy")
        EXPIRED = "expired", _("Expired")

    class ConsentMethod(models.TextChoices):
        OWN_PHONE = "own_phone", _("On their own phone")
        IN_PERSON = "in_person", _("In person, recorded by a worker")

    OPEN_STATES = (State.INVITED, State.ACTIVE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("the person helped"),
        on_delete=models.CASCADE,
        related_name="proxy_links",
    )
    proxy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proxy"),
        on_delete=models.CASCADE,
        related_name="principal_links",
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    powers = models.JSONField(_("powers"), default=list)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.INVITED
    )
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    consent_method = models.CharField(
        _("consent given"), max_length=20, choices=ConsentMethod.choices
    )
    consent_paper_number = models.CharField(
        _("number of the signed paper"), max_length=40, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("consent given at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProxyLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("family proxy")
        verbose_name_plural = _("family proxies")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("proxy")), name="proxy_link_not_self"
            ),
            models.UniqueConstraint(
                fields=["principal", "proxy"],
                condition=models.Q(state__in=["invited", "active"]),
                name="proxy_link_one_open",
            ),
            models.CheckConstraint(
                condition=~models.Q(consent_method="in_person")
                | (
                    ~models.Q(consent_paper_number="") & models.Q(consent_recorded_by__isnull=False)
                ),
                name="proxy_link_in_person_has_paper",
            ),
        ]
        indexes = [
            models.Index(fields=["proxy", "state"]),
            models.Index(fields=["principal", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.proxy} → {self.principal}"

    @property
    def power_labels(self) -> list[str]:
        labels = dict(Power.choices)
        return [str(labels[p]) for p in Power.values if p in self.powers]

    @property
    def shown_state(self) -> str:
        """The state as the parties see it today: an active link past its end has expired."""
        if self.state == self.State.ACTIVE and not self.in_force_on(timezone.localdate()):
            return str(self.State.EXPIRED.label)
        return str(self.get_state_display())

    def in_force_on(self, today: dt.date) -> bool:
        return self.state == self.State.ACTIVE and (self.ends_on is None or self.ends_on >= today)

    def tree_node(self):
        resident = self.principal.resident
        return resident.tree_node() if resident is not None else (None, None, None, "")


class ActingUser(User):
    """The principal as a proxy sees them while acting for them (request.user).

    Loaded fresh on every request from the link in force; it holds no role (so no staff
    capability and no back office), carries the proxy's own language and 长辈版 choice, and
    cannot be saved: nothing done while acting changes the principal's account.
    """

    class Meta:
        proxy = True

    acting: ActingContext
    acting_proxy: User
    acting_link: ProxyLink

    @classmethod
    def for_link(cls, link: ProxyLink, proxy: User) -> ActingUser:
        user = cast(ActingUser, cls.objects.select_related("resident").get(pk=link.principal_id))
        user.is_staff = False
        user.is_superuser = False
        user.language = proxy.language
        user.elderly_mode = proxy.elderly_mode
        user.__dict__["_silin_assignments"] = []
        user.__dict__["_silin_grants"] = ()
        user.acting = ActingContext(
            proxy_id=proxy.pk,
            proxy_label=str(proxy),
            principal_id=user.pk,
            principal_label=str(user),
            link_uuid=str(link.uuid),
            powers=frozenset(link.powers),
            home_url=reverse("people:acting-home"),
            stop_url=reverse("people:acting-stop"),
        )
        user.acting_proxy = proxy
        user.acting_link = link
        return user

    def active_role_assignments(self) -> list[Any]:
        return []

    def role_grants(self) -> tuple[Any, ...]:
        return ()  # never the principal's cached roles

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Only what a resident holds by being themselves: the rules predicates (which see
        # no role assignment); never Django's model permissions from groups, which a
        # principal who works in the back office might hold.
        return bool(rules.has_perm(perm, self, obj))

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return all(self.has_perm(p, obj) for p in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionDenied("A proxy cannot change the account of the person they help.")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied("A proxy cannot delete the account of the person they help.")
