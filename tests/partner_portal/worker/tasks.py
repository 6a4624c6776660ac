"""A task for the real worker's tests: importable by the worker process, which runs
with production settings and so without the test app."""

from django_tasks import task


@task()
def echo(value: str) -> str:
    return value


@task()
def hold(path: str) -> str:
    """Run while the file at `path` exists (at most a minute): a task to kill a
    worker in the middle of."""
    import time
    from pathlib import Path

    deadline = time.monotonic() + 60
    while Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return "done"
