from django.urls import path

from silin.people import proxy_views as views

# Included under people's namespace (see people.urls): /people/family/...
urlpatterns = [
    path("family/", views.my_family, name="family"),
    path("family/invite/", views.proxy_invite, name="proxy-invite"),
    path("family/helping/", views.helping, name="helping"),
    path("family/links/<uuid:uuid>/accept/", views.link_accept, name="proxy-accept"),
    path("family/links/<uuid:uuid>/decline/", views.link_decline, name="proxy-decline"),
    path("family/links/<uuid:uuid>/step-down/", views.link_step_down, name="proxy-step-down"),
    path("family/links/<uuid:uuid>/revoke/", views.link_revoke, name="proxy-revoke"),
    path("family/act/<uuid:uuid>/", views.acting_start, name="acting-start"),
    path("family/act/stop/", views.acting_stop, name="acting-stop"),
    path("family/acting/", views.acting_home, name="acting-home"),
    path("<uuid:uuid>/proxies/new/", views.proxy_consent_record, name="proxy-consent"),
]
