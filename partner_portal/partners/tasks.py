"""Background work of the partners app, run by the task worker (db_worker)."""

import datetime

from django.db.models.signals import post_migrate
from django.utils import timezone

from django_tasks import task

from partner_portal.scheduling import book_daily

from .tier_evaluation import tier_evaluate_all

# The nightly tier evaluation runs at this local time.
EVALUATION_TIME = datetime.time(2, 0)


@task()
def evaluate_tiers_nightly():
    """Evaluate every partner's tier for today, then book tomorrow's run."""
    evaluations = tier_evaluate_all(as_of=timezone.localdate())
    schedule_nightly_tier_evaluation()
    return len(evaluations)


def schedule_nightly_tier_evaluation():
    return book_daily(evaluate_tiers_nightly, EVALUATION_TIME)


def _schedule_after_migrate(sender, **kwargs):
    schedule_nightly_tier_evaluation()


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_tiers"
    )
