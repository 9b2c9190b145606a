from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "silin.api"
    label = "api"
