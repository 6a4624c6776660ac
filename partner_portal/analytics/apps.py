from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "partner_portal.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from partner_portal.admin_home import WorkSource, register_work
        from partner_portal.home_cards import HomeCard, register_home_card
        from partner_portal.medians import register_sqlite_median
        from partner_portal.partners.ownership import partner_owned
        from partner_portal.partners.profile_facts import (
            ProfileFact,
            register_profile_fact,
        )

        from . import admin_work, tasks
        from .health.profile import health_fact
        from .home import tier_card
        from .models import HealthScore

        partner_owned.register(HealthScore)
        # `make run`'s SQLite has no median aggregate of its own.
        connection_created.connect(register_sqlite_median)
        tasks.connect(self)
        register_work(WorkSource(25, admin_work.low_health))
        register_profile_fact(ProfileFact(10, _("Health score"), health_fact))
        register_home_card(
            HomeCard(
                order=20, template="portal/cards/tier_progress.html", context=tier_card
            )
        )

    def seed_demo_results(self, *, stdout):
        """Health scores of the demo partners, read from what the other apps
        seeded (see `manage.py seed_demo`)."""
        from .health.demo import seed_health

        seed_health(stdout=stdout)
