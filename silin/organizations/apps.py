from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "silin.organizations"
    label = "organizations"
