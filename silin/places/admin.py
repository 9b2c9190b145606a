from __future__ import annotations

from django.contrib import admin

from silin.core.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from silin.places.models import Building, Community, Compound, Grid, Household, Street, Unit


@admin.register(Street)
class StreetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "county", "city", "code"]
    search_fields = ["name", "code"]


@admin.register(Community)
class CommunityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "street", "code"]
    list_select_related = ["street"]
    search_fields = ["name", "code"]


@admin.register(Compound)
class CompoundAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "community"]
    list_filter = ["kind"]
    list_select_related = ["community"]
    search_fields = ["name"]


@admin.register(Building)
class BuildingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "compound", "floors"]
    list_select_related = ["compound"]
    search_fields = ["compound__name", "number"]


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "building"]
    list_select_related = ["building__compound"]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: a household's compound and community repeat its unit's, kept by services."""

    list_display = ["__str__", "community", "floor", "door", "area"]
    list_select_related = ["unit__building", "compound", "community"]
    search_fields = ["compound__name", "door"]
    raw_id_fields = ["unit"]
    show_full_result_count = False


@admin.register(Grid)
class GridAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "community"]
    list_select_related = ["community"]
    filter_horizontal = ["buildings", "members"]
