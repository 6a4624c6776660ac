"""A task for the real worker's tests: importable by the worker process, which runs
with production settings and so without the test app."""

from django_tasks import task


@task()
def echo(value: str) -> str:
    return value
