from django.urls import path

from silin.people import views

app_name = "people"
urlpatterns = [
    path("", views.resident_list, name="resident-list"),
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
]
