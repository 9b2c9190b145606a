from django.urls import path

from silin.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("new/", views.organization_create, name="organization-create"),
    path("<uuid:uuid>/", views.organization_detail, name="organization-detail"),
    path("<uuid:uuid>/edit/", views.organization_edit, name="organization-edit"),
    path("<uuid:uuid>/members/search/", views.member_search, name="member-search"),
    path("<uuid:uuid>/members/add/", views.member_add, name="member-add"),
    path("<uuid:uuid>/members/remove/", views.member_remove, name="member-remove"),
]
