from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "silin.people"
    label = "people"
