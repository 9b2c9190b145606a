from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualAidConfig(AppConfig):
    name = "silin.mutualaid"
    label = "mutualaid"
    verbose_name = _("Neighbour Services")

    def ready(self) -> None:
        # Its home panels and to-dos, kinds of notice, menu entry and the pages a family
        # proxy may use. Imported here, not at the top: these modules import models.
        from silin.core import acting
        from silin.core.navigation import NavItem, register
        from silin.mutualaid import home, pairing_home, personal_data, retention
        from silin.mutualaid import permissions as perms
        from silin.mutualaid.services import ledger, notices, records  # noqa: F401

        home.register()
        pairing_home.register()
        personal_data.register()
        retention.register()
        notices.register_kinds()
        register(
            NavItem(
                "mutualaid:need",
                _("Neighbour help"),
                "heart",
                visible=lambda user: (
                    bool(user.resident_id) or not perms.coordinator_scope(user).empty
                ),
                order=57,
            )
        )
        # A family proxy holding "ask for and confirm help" may ask for the person they help,
        # follow the request and confirm the service given (core.acting).
        acting.register(
            acting.Power.ASK_HELP,
            url_names=[
                "mutualaid:need",
                "mutualaid:ask",
                "mutualaid:request-detail",
                "mutualaid:request-cancel",
                "mutualaid:service-confirm",
                "mutualaid:service-reject",
                "mutualaid:service-redeem",
            ],
            api_prefixes=["/mutualaid/requests", "/mutualaid/services"],
        )
