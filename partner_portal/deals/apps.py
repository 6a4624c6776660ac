from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "partner_portal.deals"
    label = "deals"
    verbose_name = _("Deals and MDF")

    def ready(self):
        from partner_portal.admin_home import WorkSource, register_work
        from partner_portal.events import declare_event
        from partner_portal.home_cards import (
            HomeCard,
            TodoSource,
            register_home_card,
            register_todo,
        )
        from partner_portal.partners.models import Role
        from partner_portal.partners.ownership import partner_owned

        from . import admin_work, signal_handlers, tasks
        from .models import Deal, FundAllocation, FundClaim, FundRequest
        from .views.mdf_portal import mdf_card
        from .views.portal import deal_todos, deals_card

        # Partner admins and sales register and follow deals; admins and
        # marketing spend the marketing funds.
        partner_owned.register(Deal, roles=(Role.ADMIN, Role.SALES))
        for model in (FundAllocation, FundRequest, FundClaim):
            partner_owned.register(model, roles=(Role.ADMIN, Role.MARKETING))
        declare_event("deal.registered", _("A partner submitted a deal registration."))
        declare_event(
            "deal.status_changed",
            _("A deal registration was decided, extended, won, lost or expired."),
        )
        declare_event("mdf.claim_approved", _("An MDF claim was approved."))
        signal_handlers.connect()
        tasks.connect(self)
        register_work(WorkSource(50, admin_work.deals_to_decide))
        register_work(WorkSource(70, admin_work.mdf_to_decide))
        register_home_card(
            HomeCard(order=40, template="portal/cards/deals.html", context=deals_card)
        )
        register_home_card(
            HomeCard(order=42, template="portal/cards/mdf.html", context=mdf_card)
        )
        register_todo(TodoSource(order=40, todos=deal_todos))

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_deals
        from .mdf_demo import seed_mdf

        seed_deals(stdout=stdout)
        seed_mdf(stdout=stdout)
