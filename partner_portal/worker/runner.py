"""A task worker that outlives database restarts, and its heartbeat."""

import datetime
import logging
import os
import socket
import threading
import time
from contextlib import suppress

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.utils import timezone

from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)
# Rows of workers that have not beaten for this long are removed when a worker starts.
FORGET_AFTER = datetime.timedelta(days=1)


class Heartbeat(threading.Thread):
    """Rewrites the worker's WorkerHeartbeat row every TASK_WORKER_HEARTBEAT_SECONDS.

    A thread of its own, with its own database connection, so a task that runs for
    an hour does not make the worker look dead; a worker stuck on a task shows as
    the oldest ready task's wait instead.
    """

    def __init__(self, worker_id: str):
        super().__init__(name="task-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def run(self):
        try:
            self._forget_the_dead()
            while True:
                self.beat()
                with suppress(OperationalError, InterfaceError):
                    orphans_requeue()
                if self._stopping.wait(settings.TASK_WORKER_HEARTBEAT_SECONDS):
                    break
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except (OperationalError, InterfaceError):
            logger.warning("The heartbeat of worker %s ends uncleared.", self.worker_id)
        finally:
            connection.close()

    def beat(self):
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "hostname": socket.gethostname(),
                    "pid": os.getpid(),
                    "started_at": self.started_at,
                    "beat_at": timezone.now(),
                },
            )
        except (OperationalError, InterfaceError) as error:
            logger.warning(
                "No heartbeat written, the database is unavailable: %s", error
            )
        # Drops the connection if the failure broke it, so the next beat reconnects.
        close_old_connections()

    def _forget_the_dead(self):
        with suppress(OperationalError, InterfaceError):
            WorkerHeartbeat.objects.filter(
                beat_at__lt=timezone.now() - FORGET_AFTER
            ).delete()

    def stop(self):
        self._stopping.set()
        self.join(timeout=10)


def orphans_requeue() -> int:
    """Put the tasks that a dead worker was running back in the queue.

    A worker killed outright (SIGKILL, the out-of-memory killer, a lost machine)
    leaves its task RUNNING for ever, and a nightly task that books its next run
    when it ends never runs again. A task whose worker has not beaten for
    TASK_WORKER_DEAD_AFTER_SECONDS is made ready again, so another worker runs it:
    tasks here run at least once, and each is written to be run again (imports and
    statement runs are one transaction, reminders and expiries claim each row).
    Returns how many tasks were put back.
    """
    since = timezone.now() - datetime.timedelta(
        seconds=settings.TASK_WORKER_DEAD_AFTER_SECONDS
    )
    beating = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=since).values_list(
            "worker_id", flat=True
        )
    )
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=since
    )
    orphans = [
        result.pk
        for result in running.only("worker_ids")
        if not result.worker_ids or result.worker_ids[-1] not in beating
    ]
    if not orphans:
        return 0
    requeued = DBTaskResult.objects.filter(
        pk__in=orphans, status=TaskResultStatus.RUNNING
    ).update(status=TaskResultStatus.READY, started_at=None)
    logger.warning("%d tasks of workers that died are queued again.", requeued)
    return requeued


class ResilientWorker(Worker):
    """django_tasks_db's worker, which waits for the database instead of exiting.

    Its own loop lets any OperationalError that is not a locked SQLite file end the
    process: a PostgreSQL restart, a terminated connection or a failover would stop
    every background job until someone noticed. Here the worker drops the broken
    connection, retries with a doubling wait (up to TASK_WORKER_MAX_BACKOFF_SECONDS)
    until the database answers, and carries on. A task that was running when the
    connection broke, and could not record its end, is recorded as failed once the
    database answers again, so it does not show as running for ever.
    """

    interrupted = None  # the task whose end could not be recorded

    def run(self):
        heartbeat = Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            while self.running:
                try:
                    super().run()
                    return
                except (OperationalError, InterfaceError) as error:
                    self._wait_for_database(error)
                    self._record_interrupted(error)
        finally:
            heartbeat.stop()

    def run_task(self, db_task_result):
        try:
            super().run_task(db_task_result)
        except (OperationalError, InterfaceError):
            self.interrupted = db_task_result
            raise

    def _record_interrupted(self, error: Exception) -> None:
        if self.interrupted is None or not self.running:
            return
        with suppress(OperationalError, InterfaceError):
            self.interrupted.set_failed(error)
            self.interrupted = None

    def _wait_for_database(self, error: Exception) -> None:
        delay = 1.0
        while self.running:
            logger.warning(
                "The database is unavailable (%s); the worker tries again in %.0f s.",
                str(error).strip(),
                delay,
            )
            with suppress(DatabaseError):
                connection.close()
            time.sleep(delay)
            try:
                connection.ensure_connection()
            except (OperationalError, InterfaceError) as again:
                error = again
                delay = min(delay * 2, settings.TASK_WORKER_MAX_BACKOFF_SECONDS)
            else:
                logger.warning("The database answers again; the worker carries on.")
                return
