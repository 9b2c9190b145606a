from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo street (`manage.py seed_demo`, `manage.py demo_logins`): the street, its
    register, organisations and the cast of demo logins, then each app's `demo.seed(ctx)`."""

    name = "silin.demo"
    label = "demo"
    verbose_name = _("Demo street")
