from django.contrib import admin

from silin.core.admin import ReadOnlyAdminMixin
from silin.workbooks.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Browse only: imports are uploaded, checked and applied through the services."""

    list_display = ["created_at", "filename", "created_by", "state", "rows_checked", "error_count"]
    list_filter = ["state"]
    search_fields = ["filename", "file_sha256"]
    list_select_related = ["created_by"]
    exclude = ["report"]
