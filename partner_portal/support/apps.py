from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "partner_portal.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self):
        from partner_portal.events import declare_event
        from partner_portal.partners.ownership import partner_owned

        from .models import Deflection, Ticket

        # A partner admin sees every ticket of the partner; other roles their own.
        partner_owned.register(Ticket, owner_field="opened_by")
        partner_owned.register(Deflection, owner_field="user")
        declare_event("ticket.created", _("A partner opened a support ticket."))
        declare_event(
            "ticket.status_changed",
            _("A support ticket was answered, resolved, reopened or closed."),
        )
