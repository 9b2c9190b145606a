from django.urls import path

from silin.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("badge/", views.unread_badge, name="unread-badge"),
    path("<uuid:uuid>/open/", views.notification_open, name="notification-open"),
]
