"""Back office for spaces. Spaces are edited here (through the audited services); bookings,
series and waiting lists are browse-only: they change only through the booking services,
which hold the slot invariants."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from silin.core import audit
from silin.core.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from silin.core.roles import Capability
from silin.spaces.models import (
    BlockedPeriod,
    Booking,
    BookingSeries,
    OpeningException,
    OpeningHours,
    Space,
    WaitlistEntry,
)
from silin.spaces.services.spaces import SPACE_FIELDS, SpaceData, space_create, space_update


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


class BlockedPeriodInline(admin.TabularInline):
    model = BlockedPeriod
    extra = 0
    fields = ["starts_at", "ends_at", "reason", "overriders"]
    filter_horizontal = ["overriders"]


@admin.register(Space)
class SpaceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_capability = Capability.MANAGE_SPACES
    list_display = ["name", "kind", "community", "compound", "capacity", "active"]
    list_filter = [
        "kind",
        "active",
        "approval_required",
        "reach",
        "allow_overlapping_own_bookings",
    ]
    list_select_related = ["community", "compound"]
    search_fields = ["name", "address"]
    raw_id_fields = ["manager", "managed_by", "parent", "compound"]
    filter_horizontal = ["approvers"]
    inlines = [OpeningHoursInline, OpeningExceptionInline, BlockedPeriodInline]

    def save_model(self, request, obj, form, change):
        data = SpaceData(
            **{name: form.cleaned_data.get(name, getattr(obj, name)) for name in SPACE_FIELDS}
        )
        if change:
            fresh = Space.objects.get(pk=obj.pk)
            saved = space_update(actor=request.user, space=fresh, data=data)
        else:
            saved = space_create(actor=request.user, data=data)
        if "photo" in form.changed_data:
            saved.photo = form.cleaned_data["photo"] or ""
            saved.save(update_fields=["photo"])
        obj.pk, obj.uuid = saved.pk, saved.uuid

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            audit.record(
                actor=request.user,
                action="update",
                obj=form.instance,
                changes={formset.model._meta.model_name: ["", "changed in the back office"]},
            )


class _BrowseOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    def get_queryset(self, request):
        bookings: Any = super().get_queryset(request)  # a BookingQuerySet
        return bookings.visible_to(request.user, Capability.MANAGE_SPACES)


@admin.register(Booking)
class BookingAdmin(_BrowseOnly):
    list_display = ["space", "starts_at", "ends_at", "status", "booker", "attendees"]
    list_filter = ["status"]
    list_select_related = ["space", "booker"]
    date_hierarchy = "starts_at"
    search_fields = ["space__name", "purpose", "booker__name"]


@admin.register(BookingSeries)
class BookingSeriesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["space", "purpose", "rrule", "first_starts_at", "booker"]
    list_select_related = ["space", "booker"]

    def get_queryset(self, request):
        ids = Booking.objects.visible_to(request.user, Capability.MANAGE_SPACES).values("series")
        return super().get_queryset(request).filter(pk__in=ids)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["space", "starts_at", "ends_at", "state", "user", "created_at"]
    list_filter = ["state"]
    list_select_related = ["space", "user"]

    def get_queryset(self, request):
        spaces = Space.objects.visible_to(request.user, Capability.MANAGE_SPACES)
        return super().get_queryset(request).filter(space__in=spaces)
