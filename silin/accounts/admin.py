"""Accounts in the Django admin (street administrators only; see silin.core.admin)."""

from __future__ import annotations

from django.contrib import admin

from silin.accounts.models import AccessToken, RoleAssignment, User
from silin.accounts.selectors import user_list_visible_to
from silin.core.admin import StreetAdminPermissionsMixin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "street", "community", "compound", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["street", "community", "compound"]


class AccessTokenInline(admin.TabularInline):
    model = AccessToken
    extra = 0
    fields = readonly_fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(StreetAdminPermissionsMixin, admin.ModelAdmin):
    list_display = ["name", "mobile_masked", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["name", "mobile"]
    fields = [
        "name",
        "mobile",
        "resident",
        "is_active",
        "is_staff",
        "elderly_mode",
        "language",
        "date_joined",
        "last_login",
        "locked_until",
    ]
    readonly_fields = ["date_joined", "last_login", "locked_until"]
    raw_id_fields = ["resident"]
    inlines = [RoleAssignmentInline, AccessTokenInline]

    def get_queryset(self, request):
        return user_list_visible_to(actor=request.user).order_by("name", "pk")

    @admin.display(description=User._meta.get_field("mobile").verbose_name)
    def mobile_masked(self, obj):
        return obj.mobile_masked


@admin.register(AccessToken)
class AccessTokenAdmin(StreetAdminPermissionsMixin, admin.ModelAdmin):
    """Read-only: tokens are made and revoked by their owner on the profile page."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    fields = readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_select_related = ["user"]

    def get_queryset(self, request):
        users = user_list_visible_to(actor=request.user)
        return AccessToken.objects.filter(user__in=users).select_related("user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
