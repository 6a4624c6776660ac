from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "partner_portal.incentives"
    label = "incentives"
    verbose_name = _("Incentives")

    def ready(self):
        from partner_portal.admin_home import WorkSource, register_work
        from partner_portal.events import declare_event
        from partner_portal.home_cards import (
            HomeCard,
            TodoSource,
            register_home_card,
            register_todo,
        )
        from partner_portal.partners.measures import (
            TRAILING_REVENUE,
            Measure,
            register_measure,
        )
        from partner_portal.partners.models import Role
        from partner_portal.partners.ownership import partner_owned
        from partner_portal.partners.profile_sections import (
            ACTIVITY,
            ProfileSection,
            register_profile_section,
        )

        from . import admin_work
        from .models import Dispute, SalesRecord, SalesRecordChange, Statement
        from .profile import imports_activity, sales_section
        from .selectors import compute_trailing_revenue
        from .views.portal import sales_card
        from .views.statements import incentives_card, statement_todos

        partner_owned.register(SalesRecord)
        partner_owned.register(SalesRecordChange)
        partner_owned.register(Statement, roles=(Role.ADMIN, Role.SALES))
        partner_owned.register(
            Dispute,
            partner_field="line__statement__partner",
            roles=(Role.ADMIN, Role.SALES),
        )
        declare_event(
            "statement.issued", _("An incentive statement was issued to a partner.")
        )
        declare_event("statement.paid", _("An incentive statement was paid."))
        register_measure(Measure(TRAILING_REVENUE, compute_trailing_revenue))
        register_work(WorkSource(60, admin_work.statements_to_approve))
        register_work(WorkSource(80, admin_work.failed_imports))
        register_home_card(
            HomeCard(order=30, template="portal/cards/sales.html", context=sales_card)
        )
        register_home_card(
            HomeCard(
                order=35,
                template="portal/cards/incentives.html",
                context=incentives_card,
            )
        )
        register_todo(TodoSource(order=35, todos=statement_todos))
        register_profile_section(
            ProfileSection(
                order=10,
                slug="sales",
                title=_("Sales"),
                template="incentives/admin/profile/sales.html",
                context=sales_section,
            )
        )
        register_profile_section(
            ProfileSection(
                order=30,
                slug="imports",
                title=_("Sales imports"),
                template="incentives/admin/profile/imports.html",
                context=imports_activity,
                part=ACTIVITY,
            )
        )

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_sales

        seed_sales(stdout=stdout)

    def seed_demo_results(self, *, stdout):
        """Two programs and their statements, once every app's demo data is in."""
        from .demo import seed_statements

        seed_statements(stdout=stdout)
