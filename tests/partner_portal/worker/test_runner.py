"""The task worker survives the database going away, and beats while it runs.

The worker runs as in production: a `manage.py task_worker` process with production
settings on the test database, holding persistent connections (CONN_MAX_AGE), so
pg_terminate_backend breaks connections it is about to use, as a PostgreSQL restart
or a failover does.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from partner_portal.worker.models import WorkerHeartbeat

from .tasks import echo, hold

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclass
class RunningWorker:
    process: subprocess.Popen
    name: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text()


def eventually(check, message, within=90):
    """Poll `check` until it gives something true; fail with `message()` if it never
    does (a deadline for a hung worker, not a measure of speed)."""
    deadline = time.monotonic() + within
    while not (value := check()):
        assert time.monotonic() < deadline, message()
        time.sleep(0.2)
    return value


def worker_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        f"?conn_max_age=600&application_name={name}"
    )


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start `manage.py task_worker` processes on the test database; their
    connections carry names of their own in pg_stat_activity. Stopped at the end."""
    started = []

    def start():
        running = _start(tmp_path)
        started.append(running)
        return running

    try:
        yield start
    finally:
        for running in started:
            _stop(running.process)


@pytest.fixture
def worker(start_worker):
    return start_worker()


def _start(tmp_path) -> RunningWorker:
    name = f"cplms-test-worker-{uuid.uuid4().hex[:8]}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=worker_url(name),
        TASK_WORKER_HEARTBEAT_SECONDS="0.5",
        TASK_WORKER_MAX_BACKOFF_SECONDS="2",
        TASK_WORKER_DEAD_AFTER_SECONDS="3",
        # Checked before reuse, a terminated connection is replaced quietly; without
        # the check it breaks under a query, as when the database dies mid-query.
        CONN_HEALTH_CHECKS="false",
    )
    log_path = tmp_path / f"{name}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "task_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0.2",
                f"--worker-id={name}",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = RunningWorker(process, name, log_path)
    try:
        eventually(
            lambda: WorkerHeartbeat.objects.filter(worker_id=name).exists(),
            lambda: f"The worker never beat:\n{running.log()}",
        )
    except BaseException:
        _stop(process)
        raise
    return running


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(task_result, worker):
    return eventually(
        lambda: DBTaskResult.objects.filter(
            id=task_result.id, status="SUCCESSFUL"
        ).first(),
        lambda: f"The task was not run:\n{worker.log()}",
    )


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_carries_on_after_its_connections_are_terminated(worker):
    assert run(echo.enqueue("before"), worker).return_value == "before"

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [worker.name],
        )
        terminated = cursor.fetchall()
    assert terminated, "the worker held no connection to terminate"
    cut_at = timezone.now()

    assert run(echo.enqueue("after"), worker).return_value == "after"
    assert worker.process.poll() is None, worker.log()
    eventually(
        lambda: WorkerHeartbeat.objects.filter(
            worker_id=worker.name, beat_at__gt=cut_at
        ).exists(),
        lambda: f"The heartbeat stopped:\n{worker.log()}",
    )
    assert "The database answers again; the worker carries on." in worker.log()


def test_health_follows_the_real_worker_and_its_clean_stop(worker, client):
    beat = WorkerHeartbeat.objects.get(worker_id=worker.name)
    assert beat.pid == worker.process.pid
    tasks = client.get("/healthz/full").json()["tasks"]
    assert (tasks["status"], tasks["workers"]) == ("up", 1)

    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(timeout=30) == 0, worker.log()

    assert not WorkerHeartbeat.objects.filter(worker_id=worker.name).exists()
    full = client.get("/healthz/full")
    assert full.status_code == 503
    assert "tasks" in full.json()["failing"]
    assert full.json()["tasks"]["detail"] == "no worker heartbeat in 60 s"
    assert client.get("/healthz").status_code == 200


@override_settings(TASKS=DATABASE_TASKS)
def test_a_task_of_a_killed_worker_is_run_by_another(start_worker, tmp_path):
    """SIGKILL leaves no time to record anything: the task would show as running
    for ever, and a nightly task that books its next run at its end would stop."""
    first = start_worker()
    gate = tmp_path / "hold"
    gate.touch()
    result = hold.enqueue(str(gate))
    eventually(
        lambda: DBTaskResult.objects.filter(id=result.id, status="RUNNING").exists(),
        lambda: f"The task never started:\n{first.log()}",
    )

    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=30)
    gate.unlink()
    second = start_worker()

    done = run(result, second)
    assert done.worker_ids[-1] == second.name, second.log()
    assert "tasks of workers that died are queued again" in second.log()
