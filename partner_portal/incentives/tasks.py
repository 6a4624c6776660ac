"""Background work of the sales ledger, run by the task worker (db_worker)."""

from django_tasks import task

from .services.jobs import sales_import_job_run


@task()
def sales_import_job_task(job_id: int) -> str:
    """Check or import the file of a queued sales import job; return its status."""
    return sales_import_job_run(job_id=job_id).status
