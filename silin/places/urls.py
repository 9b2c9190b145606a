from django.urls import path

from silin.places import views

app_name = "places"
urlpatterns = [
    path("", views.community_list, name="community-list"),
    path("communities/<uuid:uuid>/", views.community_detail, name="community-detail"),
    path("compounds/<uuid:uuid>/", views.compound_detail, name="compound-detail"),
    path("buildings/<uuid:uuid>/", views.building_detail, name="building-detail"),
    path("households/<uuid:uuid>/", views.household_detail, name="household-detail"),
]
