from django.urls import path

from silin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/request/", views.login_code_request, name="login-code-request"),
    path("login/code/", views.login_code, name="login-code"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path("password/reset/confirm/", views.password_reset_confirm, name="password-reset-confirm"),
    path("profile/", views.profile, name="profile"),
    path("profile/preferences/", views.preferences, name="preferences"),
    path("profile/password/", views.password_change, name="password-change"),
    path("profile/tokens/", views.token_create, name="token-create"),
    path("profile/tokens/<uuid:uuid>/revoke/", views.token_revoke, name="token-revoke"),
]
