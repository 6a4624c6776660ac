"""Background work of the incentives app, run by the task worker (db_worker)."""

from django_tasks import task

from .services.jobs import sales_import_job_run
from .statements.admin_runs import statement_run_do


@task()
def sales_import_job_task(job_id: int) -> str:
    """Check or import the file of a queued sales import job; return its status."""
    return sales_import_job_run(job_id=job_id).status


@task()
def statement_run_task(run_id: int) -> str:
    """Compute the statements of a run started in the admin; return its status."""
    return statement_run_do(run_id=run_id).status
