from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
        from partner_portal.partners.profile_sections import (
            ACTIVITY,
            ProfileSection,
            register_profile_section,
        )

        from . import search_kinds, signal_handlers
        from .models import DownloadEvent
        from .profile import downloads_activity
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
        register_profile_section(
            ProfileSection(
                order=10,
                slug="downloads",
                title=pgettext_lazy("partner 360 activity", "Downloads"),
                template="resources/admin/profile/downloads.html",
                context=downloads_activity,
                part=ACTIVITY,
            )
        )

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_resources

        seed_resources(stdout=stdout)
