"""Nightly work of deals and MDF, run by the task worker."""

import datetime

from django.db.models.signals import post_migrate

from django_tasks import task

from partner_portal.scheduling import book_daily

from .services.deals import deals_expire, deals_remind
from .services.mdf import funds_expire

# Windows end at midnight; expiries and reminders go out early in the morning.
NIGHTLY_TIME = datetime.time(3, 0)


@task()
def deals_nightly():
    """Expire ended protection windows, remind registrants, expire MDF funds not
    claimed in time, book tomorrow's run."""
    expired = deals_expire()
    reminded = deals_remind()
    funds_expired = funds_expire()
    schedule_deals_nightly()
    return {"expired": expired, "reminded": reminded, "funds_expired": funds_expired}


def schedule_deals_nightly():
    return book_daily(deals_nightly, NIGHTLY_TIME)


def _schedule_after_migrate(sender, **kwargs):
    schedule_deals_nightly()


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_deals"
    )
