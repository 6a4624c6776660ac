from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "partner_portal.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self):
        from partner_portal.admin_home import WorkSource, register_work
        from partner_portal.events import declare_event
        from partner_portal.home_cards import (
            HomeCard,
            TodoSource,
            register_home_card,
            register_todo,
        )
        from partner_portal.partners.ownership import partner_owned

        from . import admin_work, tasks
        from .models import Deflection, SurveyInvitation, Ticket
        from .views.portal import support_card, ticket_todos
        from .views.surveys import survey_todos, surveys_card

        # A partner admin sees every ticket of the partner; other roles their own.
        partner_owned.register(Ticket, owner_field="opened_by")
        partner_owned.register(Deflection, owner_field="user")
        # Each user sees only the surveys sent to them, partner admins too.
        partner_owned.register(
            SurveyInvitation, owner_field="user", roles_seeing_all=()
        )
        declare_event("ticket.created", _("A partner opened a support ticket."))
        declare_event(
            "ticket.status_changed",
            _("A support ticket was answered, resolved, reopened or closed."),
        )
        tasks.connect(self)
        register_work(WorkSource(55, admin_work.tickets_at_risk))
        register_home_card(
            HomeCard(
                order=45, template="portal/cards/support.html", context=support_card
            )
        )
        register_home_card(
            HomeCard(
                order=47, template="portal/cards/surveys.html", context=surveys_card
            )
        )
        register_todo(TodoSource(order=45, todos=ticket_todos))
        register_todo(TodoSource(order=47, todos=survey_todos))

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_support

        seed_support(stdout=stdout)
