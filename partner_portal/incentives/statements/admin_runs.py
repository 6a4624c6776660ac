"""Statement runs started from the admin: queued, done by the worker, watched.

`statement_run_start()` records the run and books it on the task queue;
`statement_run_do()` is what the worker does. The partners done are written on a
connection of the worker's own in autocommit, because the run is one transaction
whose writes nobody sees until it ends. SQLite (`make run`) lets one connection
write at a time, so there the page shows the run's report once it ends.
"""

import time

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from ..models import StatementRun
from ..periods import PeriodError, program_period
from .runs import statements_run

PROGRESS_SECONDS = 0.5


def statement_run_start(*, program, period_label: str, by) -> StatementRun:
    """Check the period, record the run and queue it; raises PeriodError."""
    period = program_period(program, period_label)
    run = StatementRun.objects.create(
        program=program, period=period.label, started_by=by
    )
    from ..tasks import statement_run_task

    transaction.on_commit(lambda: statement_run_task.enqueue(run.pk))
    return run


class _Progress:
    def __init__(self, run: StatementRun):
        self.run_id = run.pk
        self.written_at = 0.0
        self.done = self.total = 0
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if self.connection is None or (
            done < total and now - self.written_at < PROGRESS_SECONDS
        ):
            return
        self.written_at = now
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {StatementRun._meta.db_table} "  # noqa: S608
                "SET done = %s, total = %s, status = %s WHERE id = %s",
                [done, total, StatementRun.Status.RUNNING, self.run_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def statement_run_do(*, run_id: int) -> StatementRun:
    run = StatementRun.objects.select_related("program").get(pk=run_id)
    if run.finished:
        return run
    StatementRun.objects.filter(pk=run.pk).update(status=StatementRun.Status.RUNNING)
    progress = _Progress(run)
    try:
        report = statements_run(
            program=run.program,
            period_label=run.period,
            by=run.started_by,
            progress=progress,
        )
    except PeriodError as error:
        run.status, run.report = StatementRun.Status.FAILED, {"error": str(error)}
    else:
        run.status = StatementRun.Status.SUCCEEDED
        run.report = {
            "created": report.created,
            "replaced": report.replaced,
            "removed": report.removed,
            "adjustments": report.adjustments,
            "unchanged": report.unchanged,
            "totals": {c: str(t) for c, t in report.total_by_currency.items()},
        }
    finally:
        progress.close()
    run.done, run.total = progress.done, progress.total
    run.finished_at = timezone.now()
    run.save()
    return run
