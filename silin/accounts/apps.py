from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "silin.accounts"
    label = "accounts"
