"""Background jobs booked on the database task queue.

django-tasks has no scheduler; a daily task books its next run when it finishes, and
`book_daily` after `migrate` makes sure one run is always waiting. Only a queue that can
hold a task until a given time (the database queue) takes bookings; with another
backend, run the matching management command from cron instead. `book_once` is the
rule every booking goes through: at most one run of a task waits.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from django_tasks.base import TaskResultStatus


def next_run(at: datetime.time, now: datetime.datetime) -> datetime.datetime:
    """The next moment it is `at` o'clock locally, strictly after `now`."""
    local = timezone.localtime(now)
    run = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return run if run > local else run + datetime.timedelta(days=1)


def waiting_runs(task):
    """The runs of `task` on the database queue that no worker has started yet."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY
    )


def book_once(task, run_after: datetime.datetime | None = None, *, advance=False):
    """Book `task` for `run_after` (None: as soon as a worker is free) unless a run
    of it is already waiting, so one run at most waits however many ask at once;
    with `advance`, a waiting run booked for later is moved to `run_after`.

    On PostgreSQL a transaction-level advisory lock on the task's name makes the
    check and the booking one step for concurrent callers. A queue that cannot hold
    a task until a time runs it now if `run_after` is None, and books nothing else.
    """
    if not task.get_backend().supports_defer:
        return task.enqueue() if run_after is None else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))", [task.module_path]
                )
        waiting = waiting_runs(task)
        if not waiting.exists():
            booked = task if run_after is None else task.using(run_after=run_after)
            return booked.enqueue()
        if advance and run_after is not None:
            from django_tasks_db.models import get_date_max

            # The queue stores "as soon as possible" as the largest date.
            later = waiting.filter(run_after__gt=run_after).exclude(
                run_after=get_date_max()
            )
            later.update(run_after=run_after)
        return None


def book_daily(task, at: datetime.time):
    """Book `task` for the next `at` unless a run of it is already waiting."""
    return book_once(task, next_run(at, timezone.now()))
