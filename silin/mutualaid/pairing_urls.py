"""Pairings' pages, included by `silin/mutualaid/urls.py` inside the `mutualaid` namespace
(no `app_name` here): reverse them as `mutualaid:<name>`."""

from django.urls import path

from silin.mutualaid import pairing_views as views

urlpatterns = [
    path("pairings/", views.pairing_list, name="pairing-list"),
    path("pairings/new/", views.pairing_create, name="pairing-create"),
    path("pairings/overdue/", views.overdue, name="overdue"),
    path("pairings/unpaired/", views.unpaired, name="unpaired"),
    path("pairings/mine/", views.my_pairings, name="my-pairings"),
    path("pairings/<uuid:uuid>/end/", views.pairing_end, name="pairing-end"),
    path("pairings/<uuid:uuid>/visit/", views.visit_log, name="visit-log"),
]
