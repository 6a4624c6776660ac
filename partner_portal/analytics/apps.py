from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "partner_portal.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from partner_portal.medians import register_sqlite_median
        from partner_portal.partners.ownership import partner_owned

        from . import tasks
        from .models import HealthScore

        partner_owned.register(HealthScore)
        # `make run`'s SQLite has no median aggregate of its own.
        connection_created.connect(register_sqlite_median)
        tasks.connect(self)

    def seed_demo_results(self, *, stdout):
        """Health scores of the demo partners, read from what the other apps
        seeded (see `manage.py seed_demo`)."""
        from .health.demo import seed_health

        seed_health(stdout=stdout)
