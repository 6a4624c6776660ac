"""Nightly work of support, run by the task worker."""

import datetime

from django.db.models.signals import post_migrate

from django_tasks import task

from partner_portal.scheduling import book_daily

from .services.tickets import tickets_autoclose

# After midnight, so a ticket resolved a week ago today closes before work starts.
NIGHTLY_TIME = datetime.time(2, 30)


@task()
def support_nightly():
    """Close tickets resolved more than seven days ago, book tomorrow's run."""
    closed = tickets_autoclose()
    schedule_support_nightly()
    return {"closed": closed}


def schedule_support_nightly():
    return book_daily(support_nightly, NIGHTLY_TIME)


def _schedule_after_migrate(sender, **kwargs):
    schedule_support_nightly()


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_support"
    )
