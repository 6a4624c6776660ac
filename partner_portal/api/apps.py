from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "partner_portal.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self):
        from . import schema, signal_handlers  # noqa: F401 (registers extensions)

        signal_handlers.connect()
