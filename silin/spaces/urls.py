from django.urls import path

from silin.spaces import figures_views, renewal_views

app_name = "spaces"
urlpatterns: list = []

# Use figures and renewal records (S3).
urlpatterns += [
    path("figures/", figures_views.street_figures, name="figures"),
    path("<uuid:uuid>/figures/", figures_views.space_figures, name="space-figures"),
    path("renewals/", renewal_views.renewal_list, name="renewal-list"),
    path("renewals/new/", renewal_views.renewal_create, name="renewal-create"),
    path("renewals/<uuid:uuid>/", renewal_views.renewal_detail, name="renewal-detail"),
    path("renewals/<uuid:uuid>/edit/", renewal_views.renewal_edit, name="renewal-edit"),
    path("renewals/<uuid:uuid>/open/", renewal_views.renewal_open, name="renewal-open"),
]
