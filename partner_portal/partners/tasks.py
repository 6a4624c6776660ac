"""Background work of the partners app, run by the task worker (db_worker)."""

import datetime

from django.db.models.signals import post_migrate
from django.utils import timezone

from django_tasks import task
from django_tasks.base import TaskResultStatus

from .tier_evaluation import tier_evaluate_all

# The nightly tier evaluation runs at this local time.
EVALUATION_TIME = datetime.time(2, 0)


@task()
def evaluate_tiers_nightly():
    """Evaluate every partner's tier for today, then book tomorrow's run."""
    evaluations = tier_evaluate_all(as_of=timezone.localdate())
    schedule_nightly_tier_evaluation()
    return len(evaluations)


def _next_run(now):
    today = timezone.localtime(now)
    run = today.replace(
        hour=EVALUATION_TIME.hour,
        minute=EVALUATION_TIME.minute,
        second=0,
        microsecond=0,
    )
    return run if run > today else run + datetime.timedelta(days=1)


def schedule_nightly_tier_evaluation():
    """Book the next nightly run unless one is already waiting.

    Only a queue that can hold a task until a given time (the database queue) takes the
    booking; with another backend, schedule `evaluate_tiers` by other means (cron).
    """
    backend = evaluate_tiers_nightly.get_backend()
    if not backend.supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=evaluate_tiers_nightly.module_path,
        status=TaskResultStatus.READY,
        run_after__gt=timezone.now(),
    )
    if waiting.exists():
        return None
    return evaluate_tiers_nightly.using(run_after=_next_run(timezone.now())).enqueue()


def _schedule_after_migrate(sender, **kwargs):
    schedule_nightly_tier_evaluation()


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_tiers"
    )
