from __future__ import annotations

from django.contrib import admin

from silin.core.admin import ScopedAdminMixin
from silin.organizations.models import Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["resident"]


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "community", "kind", "field", "leader"]
    list_filter = ["kind", "field"]
    list_select_related = ["community", "leader"]
    search_fields = ["name"]
    raw_id_fields = ["leader"]
    inlines = [MembershipInline]
