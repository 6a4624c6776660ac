from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from partner_portal.admin_home import WorkSource, register_work

        from . import admin_work, outbox, tasks

        outbox.connect()
        tasks.connect(self)
        register_work(WorkSource(90, admin_work.searches_found_nothing))

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_searches

        seed_searches(stdout=stdout)
