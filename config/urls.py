from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from silin.api.api import api

urlpatterns = [
    path("", include("silin.console.urls")),
    path("accounts/", include("silin.accounts.urls")),
    path("places/", include("silin.people.place_urls")),
    path("people/", include("silin.people.urls")),
    path("organizations/", include("silin.organizations.urls")),
    path("spaces/", include("silin.spaces.urls")),
    path("activities/", include("silin.activities.urls")),
    path("mutualaid/", include("silin.mutualaid.urls")),
    path("workbooks/", include("silin.workbooks.urls")),
    path("notifications/", include("silin.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Error pages in the site's frame and the reader's language (silin/core/errors.py).
handler400 = "silin.core.errors.bad_request"
handler403 = "silin.core.errors.permission_denied"
handler404 = "silin.core.errors.page_not_found"
handler500 = "silin.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
