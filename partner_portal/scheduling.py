"""Daily background jobs booked on the database task queue.

django-tasks has no scheduler; a daily task books its next run when it finishes, and
`book_daily` after `migrate` makes sure one run is always waiting. Only a queue that can
hold a task until a given time (the database queue) takes bookings; with another
backend, run the matching management command from cron instead.
"""

import datetime

from django.utils import timezone

from django_tasks.base import TaskResultStatus


def next_run(at: datetime.time, now: datetime.datetime) -> datetime.datetime:
    """The next moment it is `at` o'clock locally, strictly after `now`."""
    local = timezone.localtime(now)
    run = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return run if run > local else run + datetime.timedelta(days=1)


def book_daily(task, at: datetime.time):
    """Book `task` for the next `at` unless a future run of it is already waiting."""
    if not task.get_backend().supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=task.module_path,
        status=TaskResultStatus.READY,
        run_after__gt=timezone.now(),
    )
    if waiting.exists():
        return None
    return task.using(run_after=next_run(at, timezone.now())).enqueue()
