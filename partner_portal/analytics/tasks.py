"""Work of analytics run by the task worker: the nightly health scores."""

import datetime

from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils import timezone

from django_tasks import task

from partner_portal.scheduling import book_daily

from .health.services import health_at_risk_auto, health_scores_compute

# After the tier evaluation (02:00) and support's nightly close (02:30), so the
# scores read the day's tiers and tickets.
NIGHTLY_TIME = datetime.time(3, 0)


@task()
def health_nightly():
    """Score every partner for today, move those below the threshold to "at risk"
    when PARTNER_HEALTH_AUTO_AT_RISK is on, then book tomorrow's run."""
    today = timezone.localdate()
    scored = health_scores_compute(on=today)
    moved = []
    if settings.PARTNER_HEALTH_AUTO_AT_RISK:
        moved = health_at_risk_auto(on=today)
    schedule_health_nightly()
    return {"scored": scored, "moved_at_risk": len(moved)}


def schedule_health_nightly():
    return book_daily(health_nightly, NIGHTLY_TIME)


def _schedule_after_migrate(sender, **kwargs):
    schedule_health_nightly()


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_health"
    )
