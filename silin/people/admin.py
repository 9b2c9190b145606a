from __future__ import annotations

from django.contrib import admin

from silin.core.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from silin.core.roles import Capability
from silin.people.models import Consent, CorrectionRequest, Guardian, Resident, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """The tag dictionary is street-wide, not tied to a place."""

    list_display = ["code", "name", "name_en", "sensitive", "order"]
    list_editable = ["order"]


class ConsentInline(admin.TabularInline):
    model = Consent
    fk_name = "resident"
    extra = 0
    fields = readonly_fields = ("purpose", "granted_at", "withdrawn_at", "given_by", "recorded_by")

    def has_add_permission(self, request, obj=None):
        return False  # consent is recorded through the register pages, which audit it


class GuardianInline(admin.TabularInline):
    model = Guardian
    fk_name = "minor"
    extra = 0
    fields = readonly_fields = ("guardian", "relation")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: the register's writes go through the pages and services, which validate
    ID numbers, keep the resident's community in step with the household and audit."""

    scope_capability = Capability.VIEW_REGISTER
    list_display = ["name", "gender", "birth_date", "household", "status"]
    list_filter = ["status", "gender", "tags"]
    list_select_related = ["household__unit__building", "household__compound"]
    search_fields = ["name"]
    raw_id_fields = ["household"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "mobile_masked", "id_number_masked"]

    inlines = [GuardianInline, ConsentInline]


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: requests are decided on the workers' pages, which go through the register
    services and audit; the requested value is encrypted and not shown here."""

    scope_capability = Capability.EDIT_REGISTER
    list_display = ["resident", "field", "status", "created_at", "decided_at"]
    list_filter = ["status", "field"]
    list_select_related = ["resident"]
    exclude = ["requested_value_encrypted"]
    show_full_result_count = False
