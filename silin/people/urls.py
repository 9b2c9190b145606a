from django.urls import path

from silin.people import views
from silin.people.proxy_urls import urlpatterns as proxy_patterns

app_name = "people"
urlpatterns = [
    path("", views.resident_list, name="resident-list"),
    # Family proxies (亲情账号); before "<uuid>/" so "family/" is never read as a UUID.
    *proxy_patterns,
    path("new/", views.resident_create, name="resident-create"),
    path("<uuid:uuid>/", views.resident_detail, name="resident-detail"),
    path("<uuid:uuid>/edit/", views.resident_edit, name="resident-edit"),
    path("<uuid:uuid>/reveal/", views.resident_reveal, name="resident-reveal"),
    path("<uuid:uuid>/consents/", views.consent_grant, name="consent-grant"),
    path(
        "<uuid:uuid>/consents/<uuid:consent_uuid>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("<uuid:uuid>/guardians/", views.guardian_add, name="guardian-add"),
    path("<uuid:uuid>/anonymise/", views.resident_anonymise, name="resident-anonymise"),
    # A resident's own data (PIPL): always the signed-in person's, never a parameter.
    path("my-data/", views.my_data, name="my-data"),
    path("my-data/download/<str:fmt>/", views.my_data_download, name="my-data-download"),
    path(
        "my-data/consents/<uuid:uuid>/withdraw/",
        views.my_consent_withdraw,
        name="my-data-consent-withdraw",
    ),
    path("my-data/corrections/new/", views.correction_request_create, name="correction-create"),
    # The workers' side: correction requests and residents due for anonymisation.
    path("corrections/", views.correction_list, name="correction-list"),
    path("corrections/<uuid:uuid>/", views.correction_detail, name="correction-detail"),
    path("corrections/<uuid:uuid>/apply/", views.correction_apply, name="correction-apply"),
    path("corrections/<uuid:uuid>/decline/", views.correction_decline, name="correction-decline"),
    path("anonymise/", views.anonymisation_list, name="anonymisation-list"),
]
