from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualAidConfig(AppConfig):
    name = "silin.mutualaid"
    label = "mutualaid"
    verbose_name = _("Neighbour Services")
