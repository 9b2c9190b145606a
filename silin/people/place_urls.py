"""The pages of the tree of places, under /places/ and the `places` namespace.

The views are the register's (place_views.py: each page counts or lists residents); the
paths and URL names are those the places app always had.
"""

from django.urls import path

from silin.people import place_views

app_name = "places"
urlpatterns = [
    path("", place_views.community_list, name="community-list"),
    path("communities/<uuid:uuid>/", place_views.community_detail, name="community-detail"),
    path("compounds/<uuid:uuid>/", place_views.compound_detail, name="compound-detail"),
    path("buildings/<uuid:uuid>/", place_views.building_detail, name="building-detail"),
    path("households/<uuid:uuid>/", place_views.household_detail, name="household-detail"),
]
