import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

from django_tasks_db.management.commands import db_worker

from ...runner import ResilientWorker


class Command(db_worker.Command):
    """`db_worker` with its options, running the worker that survives database
    restarts and writes a heartbeat (partner_portal.worker.runner)."""

    help = (
        "Run the background task worker: it waits for the database when it goes away "
        "and writes a heartbeat that /healthz/full reads."
    )

    def handle(
        self, *, verbosity, queue_name, exclude_queues, reload, batch, **options
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            # Only the reloader's child runs the worker, so only it takes the signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
