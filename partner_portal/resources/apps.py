from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "partner_portal.resources"
    label = "resources"
    verbose_name = _("Resources")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partner_portal.home_cards import (
            NEWS,
            HomeCard,
            TodoSource,
            register_home_card,
            register_todo,
        )
        from partner_portal.partners.ownership import partner_owned

        from . import search_kinds, signal_handlers
        from .models import DownloadEvent
        from .selectors import announcements_card, policies_card, policy_todos

        partner_owned.register(DownloadEvent, owner_field="user")

        signal_handlers.connect()
        search_kinds.register()
        register_home_card(
            HomeCard(
                order=30,
                template="resources/cards/announcements.html",
                context=announcements_card,
                section=NEWS,
            )
        )
        register_home_card(
            HomeCard(
                order=31,
                template="resources/cards/policies.html",
                context=policies_card,
            )
        )
        register_todo(TodoSource(order=10, todos=policy_todos))

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_resources

        seed_resources(stdout=stdout)
