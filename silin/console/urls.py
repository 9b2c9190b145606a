from django.urls import path

from silin.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit-list"),
    path("preferences/elderly/", views.elderly_toggle, name="elderly-toggle"),
]
