"""The Django admin: for street administrators only, scoped like every other page.

Who may open it
    An active staff user (``is_staff``) who holds a street-administrator role, or a
    superuser (the deployment's operator). Everyone else, staff or not, gets the admin's
    login page. See :func:`street_admin_only`.

``ScopedAdminMixin`` — use it in every app's ``admin.py``::

    from silin.core.admin import ScopedAdminMixin

    @admin.register(Organization)
    class OrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
        list_display = ["name", "community"]

It does two things:

* ``get_queryset`` starts from ``self.model.objects.visible_to(request.user)``, so the
  change list, the change form and every lookup by primary key stop at the user's
  jurisdiction: an object outside it answers 404 like a missing one. The model's manager
  must offer ``visible_to(actor)``; set ``scope_capability`` to pass a capability other
  than the queryset's default (e.g. ``Capability.VIEW_REGISTER``).
* Street administrators may *view* the models it is used on without Django model
  permissions. Adding, changing and deleting need Django's model permissions granted in
  the admin (``user_permissions`` or groups, checked by ``ModelBackend`` only) or a
  superuser, because writes belong in services, which keep the audit log. The ``rules``
  predicates in each app's ``permissions.py`` describe the pages, object by object, and
  are deliberately not consulted here: being a worker in scope must not open the admin's
  raw forms.

``StreetAdminPermissionsMixin`` is the permission half alone, for a ModelAdmin whose
model has no ``visible_to`` and which scopes ``get_queryset`` itself (accounts.User).
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.backends import ModelBackend

from silin.core.models import AuditEntry
from silin.core.roles import Capability, Role


def is_street_admin(user) -> bool:
    return bool(
        user.is_active
        and user.is_authenticated
        and (user.is_superuser or user.has_role(Role.STREET_ADMIN))
    )


def street_admin_only(self, request) -> bool:
    """AdminSite.has_permission: staff alone is not enough; a street role is needed."""
    user = request.user
    return bool(user.is_active and user.is_staff and is_street_admin(user))


# The project mounts the default site (config/urls.py); tighten it in place rather than
# swapping the site class, so every app's admin.py keeps using `admin.register`.
admin.site.has_permission = types.MethodType(  # type: ignore[method-assign]
    street_admin_only, admin.site
)
admin.site.site_header = admin.site.site_title = "四邻 Silin"


def _has_model_perm(request, opts, action: str) -> bool:
    user = request.user
    if user.is_active and user.is_superuser:
        return True
    codename = get_permission_codename(action, opts)
    return ModelBackend().has_perm(user, f"{opts.app_label}.{codename}")


# The mixins are used on ModelAdmin subclasses; for the type checker they are ModelAdmins.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class StreetAdminPermissionsMixin(_AdminBase):
    """View for street administrators; writes only with Django model permissions."""

    def has_module_permission(self, request):
        return is_street_admin(request.user) or _has_model_perm(request, self.opts, "view")

    def has_view_permission(self, request, obj=None):
        return (
            is_street_admin(request.user)
            or _has_model_perm(request, self.opts, "view")
            or _has_model_perm(request, self.opts, "change")
        )

    def has_add_permission(self, request, *args):
        return _has_model_perm(request, self.opts, "add")

    def has_change_permission(self, request, obj=None):
        return _has_model_perm(request, self.opts, "change")

    def has_delete_permission(self, request, obj=None):
        return _has_model_perm(request, self.opts, "delete")


class ScopedAdminMixin(StreetAdminPermissionsMixin):
    """Limits a ModelAdmin to what the user may see; see the module docstring."""

    scope_capability: Capability | None = None

    def get_queryset(self, request):
        manager = self.model._default_manager
        if self.scope_capability is not None:
            qs = manager.visible_to(request.user, self.scope_capability)
        else:
            qs = manager.visible_to(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs


class ReadOnlyAdminMixin(_AdminBase):
    """Browse only, superusers included. For records whose writes must go through the
    services (which validate, keep repeated tree ids in step and audit), or never happen."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is append-only."""

    list_display = ["created_at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_label", "object_uuid"]
    date_hierarchy = "created_at"
    list_select_related = False
    show_full_result_count = False
