from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "silin.workbooks"
    label = "workbooks"
