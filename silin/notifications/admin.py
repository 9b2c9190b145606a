from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from silin.core.admin import ReadOnlyAdminMixin
from silin.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Superusers only (notices are personal): browse to follow up a delivery problem."""

    list_display = ["created_at", "recipient", "kind", "title", "sms", "read_at"]
    list_filter = ["kind", "sms"]
    list_select_related = ["recipient"]

    @admin.display(description=_("title"))
    def title(self, obj: Notification) -> str:
        return obj.rendered.title  # in the admin's language, as the recipient's page would

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
