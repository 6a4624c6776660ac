from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partner_portal.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from partner_portal.admin_home import WorkSource, register_work
        from partner_portal.home_cards import (
            HomeCard,
            TodoSource,
            register_home_card,
            register_todo,
        )

        from . import admin_work, models, signal_handlers, tasks
        from .ownership import partner_owned
        from .selectors import (
            membership_for,
            onboarding_card,
            onboarding_todos,
        )

        signal_handlers.connect()
        tasks.connect(self)
        register_work(WorkSource(10, admin_work.applications_to_review))
        register_work(WorkSource(20, admin_work.partners_at_risk))
        register_work(WorkSource(30, admin_work.onboarding_stuck))
        # A partner admin sees every user of the partner, other roles themselves.
        partner_owned.register(models.PartnerMembership, owner_field="user")
        for model in (
            models.Application,
            models.StageChange,
            models.TierChange,
            models.TierEvaluation,
            models.AgreementAcceptance,
            models.OnboardingCompletion,
        ):
            partner_owned.register(model)
        for model in (
            models.PartnerUserObjectPermission,
            models.PartnerGroupObjectPermission,
        ):
            partner_owned.register(model, partner_field="content_object")
        register_home_card(
            HomeCard(
                order=10,
                template="portal/cards/account.html",
                context=lambda request: {"membership": membership_for(request.user)},
            )
        )
        register_home_card(
            HomeCard(
                order=5,
                template="portal/cards/onboarding.html",
                context=onboarding_card,
            )
        )
        register_todo(TodoSource(order=5, todos=onboarding_todos))

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_partners

        seed_partners(stdout=stdout)
