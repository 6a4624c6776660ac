from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "partner_portal.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self):
        from partner_portal.events import event_announced

        from . import schema, signal_handlers  # noqa: F401 (registers extensions)
        from .webhooks.events import deliver_announcement

        signal_handlers.connect()
        event_announced.connect(
            deliver_announcement, dispatch_uid="api.deliver_announcement"
        )
