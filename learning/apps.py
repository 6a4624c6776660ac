from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from partner_portal.admin_home import WorkSource, register_work
        from partner_portal.home_cards import (
            HomeCard,
            TodoSource,
            register_home_card,
            register_todo,
        )
        from partner_portal.partners.measures import (
            CERTIFIED_USERS,
            Measure,
            register_measure,
        )
        from partner_portal.partners.ownership import partner_owned
        from partner_portal.partners.profile_sections import (
            ACTIVITY,
            ProfileSection,
            register_profile_section,
        )

        from . import admin_work, search_kinds, tasks
        from .models import CertificationAward, Enrolment
        from .permissions import AwardPermissionPolicy
        from .profile import certifications_section, course_activity
        from .selectors import compute_certified_users, learning_card, learning_todos

        register_work(WorkSource(40, admin_work.certifications_expiring))

        search_kinds.register()
        tasks.connect(self)
        partner_owned.register(CertificationAward)
        partner_owned.register(Enrolment, owner_field="user")

        register_permission_policy(
            CertificationAward, AwardPermissionPolicy(CertificationAward)
        )
        register_measure(Measure(CERTIFIED_USERS, compute_certified_users))
        register_home_card(
            HomeCard(
                order=40, template="learning/cards/learning.html", context=learning_card
            )
        )
        register_todo(TodoSource(order=20, todos=learning_todos))
        register_profile_section(
            ProfileSection(
                order=20,
                slug="certifications",
                title=_("Certifications"),
                template="learning/admin/profile/certifications.html",
                context=certifications_section,
            )
        )
        register_profile_section(
            ProfileSection(
                order=20,
                slug="courses",
                title=_("Course activity"),
                template="learning/admin/profile/courses.html",
                context=course_activity,
                part=ACTIVITY,
            )
        )

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_learning

        seed_learning(stdout=stdout)
