from django.urls import path

from silin.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit-list"),
    path("preferences/elderly/", views.elderly_toggle, name="elderly-toggle"),
]
