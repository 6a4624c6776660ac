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
