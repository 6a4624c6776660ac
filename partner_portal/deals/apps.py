from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "partner_portal.deals"
    label = "deals"
    verbose_name = _("Deals and MDF")

    def ready(self):
        from partner_portal.events import declare_event
        from partner_portal.partners.models import Role
        from partner_portal.partners.ownership import partner_owned

        from . import signal_handlers, tasks
        from .models import Deal, FundAllocation, FundClaim, FundRequest

        # Partner admins and sales register and follow deals; admins and
        # marketing spend the marketing funds.
        partner_owned.register(Deal, roles=(Role.ADMIN, Role.SALES))
        for model in (FundAllocation, FundRequest, FundClaim):
            partner_owned.register(model, roles=(Role.ADMIN, Role.MARKETING))
        declare_event("deal.registered", _("A partner submitted a deal registration."))
        declare_event(
            "deal.status_changed",
            _(
                "A deal registration was approved, rejected, extended, won, lost or expired."
            ),
        )
        declare_event("mdf.claim_approved", _("An MDF claim was approved."))
        signal_handlers.connect()
        tasks.connect(self)
